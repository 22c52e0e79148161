package io.vireo.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The private /etc/libvirt of a lab host: the machine's configuration files plus what lets several
 * libvirtds share one kernel. Domain, network, storage-pool and secret definitions of the machine's
 * own libvirtd are deliberately not copied: a lab host starts empty.
 */
final class LibvirtHostConfig
{
    private LibvirtHostConfig() {}

    /**
     * @param pkiDir the host's own copy of the files its agent writes (LibvirtPki's layout): /etc/pki
     *               is shared by every lab host, so each names its own directory explicitly
     */
    static void write(Path etcDir, String hostName, String address, Path pkiDir)
    {
        try {
            Path source = Path.of("/etc/libvirt");
            Files.createDirectories(etcDir.resolve("qemu/networks/autostart"));
            try (Stream<Path> entries = Files.list(source)) {
                for (Path entry : entries.filter(Files::isRegularFile).toList()) {
                    Files.copy(entry, etcDir.resolve(entry.getFileName()));
                }
            }
            if (Files.isDirectory(source.resolve("nwfilter"))) {
                Commands.check("cp", "-a", source.resolve("nwfilter").toString(), etcDir.toString());
            }
            // No plain TCP listener: hosts reach each other (migrations) over TLS only, with the
            // certificates the engine's CA signed for their agents. TLS is off until the agent has
            // written them (LabHost.listenTls turns it on): libvirtd does not start without them.
            append(etcDir.resolve("libvirtd.conf"), """
                    listen_tls = 0
                    listen_tcp = 0
                    listen_addr = "%1$s"
                    auth_tls = "none"
                    tls_no_verify_certificate = 0
                    ca_file = "%3$s/cacert.pem"
                    cert_file = "%3$s/servercert.pem"
                    key_file = "%3$s/serverkey.pem"
                    auth_unix_rw = "none"
                    auth_unix_ro = "none"
                    host_uuid = "%2$s"
                    log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
                    """.formatted(address, hostUuid(hostName), pkiDir));
            // cgroup_controllers: two libvirtds would otherwise fight over the same cgroup paths.
            // remember_owner: its xattrs on shared files confuse the other hosts.
            // vnc_listen, spice_listen: the host's own address; agents name none, so that a migrated
            // VM's display listens on its new host's address. Displays take TLS only (vnc_tls, spice_tls)
            // with the host's certificate, and VNC asks the engine's proxy for one of the same CA.
            append(etcDir.resolve("qemu.conf"), """
                    cgroup_controllers = [ ]
                    remember_owner = 0
                    vnc_listen = "%1$s"
                    spice_listen = "%1$s"
                    migration_address = "%1$s"
                    migration_host = "%1$s"
                    default_tls_x509_cert_dir = "%2$s/qemu"
                    default_tls_x509_verify = 1
                    vnc_tls = 1
                    vnc_tls_x509_cert_dir = "%2$s/qemu"
                    vnc_tls_x509_verify = 1
                    spice_tls = 1
                    spice_tls_x509_cert_dir = "%2$s/qemu"
                    """.formatted(address, pkiDir));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the libvirt configuration of " + hostName, e);
        }
    }

    /** Stable across lab runs, so that a host keeps its identity when the lab is rebuilt. */
    static UUID hostUuid(String hostName)
    {
        return UUID.nameUUIDFromBytes(("vireo-lab-host-" + hostName).getBytes(UTF_8));
    }

    private static void append(Path file, String text)
            throws IOException
    {
        Files.writeString(file, "\n# Added by the Vireo lab\n" + text, UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
