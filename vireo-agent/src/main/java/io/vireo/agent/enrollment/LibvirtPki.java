package io.vireo.agent.enrollment;

import io.vireo.model.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The host's certificate, key and the engine's CAs where libvirtd and QEMU (GnuTLS) read them, so
 * that hosts reach each other's libvirtd over qemu+tls (live migration) and QEMU encrypts the
 * migration stream (and, with the same files, VNC and SPICE). The certificate is the agent's own,
 * which the engine's CA signs for the host's registered address with both serverAuth and clientAuth.
 *
 * <p>One directory, two layouts (docs/libvirt-tls.md):
 * <pre>
 * DIR/cacert.pem  DIR/servercert.pem  DIR/serverkey.pem  DIR/clientcert.pem  DIR/clientkey.pem
 *     libvirt's: libvirtd.conf ca_file, cert_file, key_file name the first three; a client's
 *     connection URI names DIR with ?pkipath=DIR (cacert.pem, clientcert.pem, clientkey.pem)
 * DIR/qemu/ca-cert.pem  server-cert.pem  server-key.pem  client-cert.pem  client-key.pem
 *     QEMU's x509 directory: qemu.conf default_tls_x509_cert_dir (migrate, vnc, spice) = DIR/qemu
 * </pre>
 * Keys are 0600: libvirt's owned by the agent (root), QEMU's by the user QEMU runs as, which opens
 * them itself. Each file is written beside its final name and moved over it, so that a reader never
 * sees half a file; a file whose content is unchanged is left alone.
 */
public final class LibvirtPki {
    private static final Logger log = LoggerFactory.getLogger(LibvirtPki.class);
    /** The product's place for these files on a host (the agent runs as root there). */
    public static final Path PRODUCT_DIRECTORY = Path.of("/etc/pki/vireo-libvirt");
    /** The users QEMU runs as by default: Debian's and Fedora/RHEL's libvirt. */
    private static final List<String> QEMU_USERS = List.of("libvirt-qemu", "qemu");
    private static final String PUBLIC = "rw-r--r--";
    private static final String PRIVATE = "rw-------";

    private final Path directory;
    private final Optional<String> qemuUser;

    /**
     * @param qemuUser the user QEMU runs as, who must read QEMU's key; empty for the first of
     *                 libvirt-qemu and qemu that exists on this machine (none, or an agent that is
     *                 not root: the agent's user keeps it)
     */
    public LibvirtPki(Path directory, Optional<String> qemuUser) {
        this.directory = requireNonNull(directory, "directory").toAbsolutePath();
        this.qemuUser = requireNonNull(qemuUser, "qemuUser");
    }

    /** {@link #PRODUCT_DIRECTORY} as root; under the state directory for an agent that runs as another user (tests). */
    public static Path defaultDirectory(Path stateDirectory) {
        return "root".equals(System.getProperty("user.name")) ? PRODUCT_DIRECTORY : stateDirectory.resolve("libvirt-pki");
    }

    public Path directory() {
        return directory;
    }

    /** QEMU's x509 directory: what qemu.conf's default_tls_x509_cert_dir names. */
    public Path qemuDirectory() {
        return directory.resolve("qemu");
    }

    /** The parameter a libvirt client URI needs to present this host's certificate: {@code pkipath=DIR}. */
    public String pkipathParameter() {
        return "pkipath=" + directory;
    }

    /**
     * A destination URI from the engine, with this host's certificate added for a TLS transport:
     * {@code qemu+tls://h2/system} becomes {@code qemu+tls://h2/system?pkipath=DIR}, which both the
     * agent's own connections and libvirtd (the client in a peer-to-peer migration) read. Another
     * transport, or a URI that names a pkipath already, is left as it is.
     */
    public String clientUri(String uri) {
        int query = uri.indexOf('?');
        String scheme = uri.contains(":") ? uri.substring(0, uri.indexOf(':')) : "";
        if (!scheme.endsWith("+tls") || (query >= 0 && Arrays.stream(uri.substring(query + 1).split("&"))
                .anyMatch(parameter -> parameter.startsWith("pkipath=")))) {
            return uri;
        }
        return uri + (query >= 0 ? "&" : "?") + pkipathParameter();
    }

    /** Writes the files of this identity; answers whether any changed (then a running libvirtd wants {@link #reload}). */
    public boolean write(AgentIdentity identity) throws IOException {
        return write(identity.keyPair().getPrivate(), identity.certificate(), identity.caCertificates());
    }

    public synchronized boolean write(PrivateKey key, X509Certificate certificate, List<X509Certificate> authorities)
            throws IOException {
        String keyPem = Pem.privateKey(key); // with the EC public point, which GnuTLS requires
        String certificatePem = Pem.write(certificate);
        StringBuilder caPem = new StringBuilder();
        authorities.forEach(authority -> caPem.append(Pem.write(authority)));
        Files.createDirectories(qemuDirectory(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Optional<UserPrincipal> qemu = qemuPrincipal();
        boolean changed = false;
        // the CA first and the keys before their certificates: a reader between two moves sees an
        // old certificate with a new key at worst for a moment, never a certificate it cannot verify
        changed |= put(directory.resolve("cacert.pem"), caPem.toString(), PUBLIC, Optional.empty());
        changed |= put(qemuDirectory().resolve("ca-cert.pem"), caPem.toString(), PUBLIC, Optional.empty());
        changed |= put(directory.resolve("serverkey.pem"), keyPem, PRIVATE, Optional.empty());
        changed |= put(directory.resolve("clientkey.pem"), keyPem, PRIVATE, Optional.empty());
        changed |= put(qemuDirectory().resolve("server-key.pem"), keyPem, PRIVATE, qemu);
        changed |= put(qemuDirectory().resolve("client-key.pem"), keyPem, PRIVATE, qemu);
        changed |= put(directory.resolve("servercert.pem"), certificatePem, PUBLIC, Optional.empty());
        changed |= put(directory.resolve("clientcert.pem"), certificatePem, PUBLIC, Optional.empty());
        changed |= put(qemuDirectory().resolve("server-cert.pem"), certificatePem, PUBLIC, Optional.empty());
        changed |= put(qemuDirectory().resolve("client-cert.pem"), certificatePem, PUBLIC, Optional.empty());
        if (changed) {
            log.info("Wrote the host's certificate (serial {}) for libvirtd and QEMU in {}",
                    certificate.getSerialNumber().toString(16), directory);
        }
        return changed;
    }

    /**
     * Asks the libvirtd that {@code libvirtUri} reaches to load its TLS files again
     * ({@code virt-admin server-update-tls libvirtd}); QEMU reads its files at each migration. A
     * libvirtd that does not listen with TLS has nothing to reload: that is said, not failed.
     *
     * @return what virt-admin said when it failed, empty when it reloaded
     */
    public Optional<String> reload(String libvirtUri) {
        String adminUri = adminUri(libvirtUri);
        List<String> command = List.of("virt-admin", "-c", adminUri, "server-update-tls", "libvirtd");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return failed(adminUri, "virt-admin did not finish within 30 s");
            }
            if (process.exitValue() != 0) {
                return failed(adminUri, output.isEmpty() ? "exit code " + process.exitValue() : output);
            }
            log.info("libvirtd ({}) loaded the new certificate", adminUri);
            return Optional.empty();
        } catch (IOException e) {
            return failed(adminUri, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(adminUri, "interrupted");
        }
    }

    private static Optional<String> failed(String adminUri, String why) {
        log.info("libvirtd ({}) did not reload its TLS files: {}; it reads them at its next start", adminUri, why);
        return Optional.of(why);
    }

    /**
     * libvirtd's admin URI for a libvirt URI of this host: {@code qemu:///system} is
     * {@code libvirtd:///system}; a {@code ?socket=.../libvirt-sock} (a lab host) becomes the
     * admin socket beside it, {@code .../libvirt-admin-sock}.
     */
    static String adminUri(String libvirtUri) {
        String query = libvirtUri.contains("?") ? libvirtUri.substring(libvirtUri.indexOf('?') + 1) : "";
        String mode = libvirtUri.contains("/session") ? "session" : "system";
        Optional<String> socket = Arrays.stream(query.split("&"))
                .filter(parameter -> parameter.startsWith("socket="))
                .map(parameter -> URLDecoder.decode(parameter.substring("socket=".length()), StandardCharsets.UTF_8))
                .findFirst();
        return "libvirtd:///" + mode + socket.map(path -> "?socket=" + Path.of(path).resolveSibling("libvirt-admin-sock")).orElse("");
    }

    private Optional<UserPrincipal> qemuPrincipal() throws IOException {
        if (qemuUser.isEmpty() && !"root".equals(System.getProperty("user.name"))) {
            return Optional.empty(); // only root can give a file away
        }
        var lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        List<String> candidates = qemuUser.map(List::of).orElse(QEMU_USERS);
        for (String user : candidates) {
            try {
                return Optional.of(lookup.lookupPrincipalByName(user));
            } catch (UserPrincipalNotFoundException e) {
                if (qemuUser.isPresent()) {
                    throw new IOException("QEMU's user " + user + " does not exist on this host", e);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean put(Path file, String content, String permissions, Optional<UserPrincipal> owner) throws IOException {
        if (Files.exists(file) && Files.readString(file).equals(content)
                && PosixFilePermissions.toString(Files.getPosixFilePermissions(file)).equals(permissions)
                && owner.map(user -> isOwner(file, user)).orElse(true)) {
            return false;
        }
        Path next = file.resolveSibling("." + file.getFileName() + ".next");
        Files.deleteIfExists(next);
        Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        Files.writeString(next, content);
        if (owner.isPresent()) {
            Files.setOwner(next, owner.get());
        }
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    private static boolean isOwner(Path file, UserPrincipal user) {
        try {
            return Files.getOwner(file).equals(user);
        } catch (IOException e) {
            return false;
        }
    }
}
