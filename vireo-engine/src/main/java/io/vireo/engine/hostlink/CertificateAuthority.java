package io.vireo.engine.hostlink;

import io.vireo.model.CertificateFingerprint;
import io.vireo.model.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.nio.file.StandardCopyOption;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.pkcs.PKCSException;

import static java.util.Objects.requireNonNull;

/**
 * The engine's certificate authority: made once in the data directory, it signs each host's
 * certificate at enrollment (and at each renewal) and the engine's own server certificates.
 *
 * <p>{@link #rotate} replaces it with a new CA without re-enrolling hosts: the previous CA's
 * certificate is kept and still trusted for the agents' certificates it signed, and the previous
 * CA signs the new one once more (a cross certificate), which the agent endpoint sends after its
 * own certificate, so that agents that trust only the previous CA still trust the engine. An agent
 * that connects with a certificate of the previous CA is asked to renew it, and learns the new CA.
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final Duration CA_LIFETIME = Duration.ofDays(3650);
    public static final Duration HOST_CERTIFICATE_LIFETIME = Duration.ofDays(365);
    public static final Duration SERVER_CERTIFICATE_LIFETIME = Duration.ofDays(365);
    private static final Duration MAX_BACKDATING = Duration.ofHours(1);

    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final Optional<X509Certificate> previous;
    private final Optional<X509Certificate> cross;

    private CertificateAuthority(KeyPair keyPair, X509Certificate certificate, Optional<X509Certificate> previous,
                                 Optional<X509Certificate> cross) {
        this.keyPair = requireNonNull(keyPair, "keyPair");
        this.certificate = requireNonNull(certificate, "certificate");
        this.previous = requireNonNull(previous, "previous");
        this.cross = requireNonNull(cross, "cross");
    }

    /** Loads the CA from {@code directory}, creating it on first use. */
    public static CertificateAuthority loadOrCreate(Path directory) {
        return loadOrCreate(directory, CA_LIFETIME);
    }

    /** @param lifetime how long a CA made now lives (tests make one that lives a minute) */
    public static CertificateAuthority loadOrCreate(Path directory, Duration lifetime) {
        Path keyFile = directory.resolve("ca.key");
        Path certificateFile = directory.resolve("ca.crt");
        try {
            if (Files.exists(keyFile) && Files.exists(certificateFile)) {
                X509Certificate certificate = Pem.readCertificate(Files.readString(certificateFile));
                return new CertificateAuthority(new KeyPair(certificate.getPublicKey(),
                        Pem.readPrivateKey(Files.readString(keyFile), "ca.key")), certificate,
                        optionalCertificate(directory.resolve("ca-previous.crt")),
                        optionalCertificate(directory.resolve("ca-cross.crt")));
            }
            Files.createDirectories(directory);
            KeyPair keyPair = newKeyPair();
            X509Certificate certificate = sign(authorityBuilder(keyPair, lifetime, newName(), null), keyPair.getPrivate());
            Pem.writePrivateKey(keyFile, keyPair.getPrivate());
            Files.writeString(certificateFile, Pem.write(certificate));
            return new CertificateAuthority(keyPair, certificate, Optional.empty(), Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load or create the engine CA in " + directory, e);
        }
    }

    /**
     * Replaces the CA in {@code directory} by a new one (run while the engine is stopped): the
     * current CA becomes the previous one (its certificate kept, its key dropped once it has signed
     * the cross certificate); a CA before it is forgotten.
     */
    public static CertificateAuthority rotate(Path directory, Duration lifetime) {
        CertificateAuthority old = loadOrCreate(directory, lifetime);
        try {
            KeyPair keyPair = newKeyPair();
            X500Name name = newName();
            X509Certificate certificate = sign(authorityBuilder(keyPair, lifetime, name, null), keyPair.getPrivate());
            X509Certificate cross = sign(authorityBuilder(keyPair, lifetime, name, old.certificate), old.keyPair.getPrivate());
            Path next = directory.resolve("ca.key.next");
            Pem.writePrivateKey(next, keyPair.getPrivate());
            Files.writeString(directory.resolve("ca-previous.crt"), Pem.write(old.certificate));
            Files.writeString(directory.resolve("ca-cross.crt"), Pem.write(cross));
            Files.writeString(directory.resolve("ca.crt.next"), Pem.write(certificate));
            Files.move(next, directory.resolve("ca.key"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(directory.resolve("ca.crt.next"), directory.resolve("ca.crt"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return new CertificateAuthority(keyPair, certificate, Optional.of(old.certificate), Optional.of(cross));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rotate the engine CA in " + directory, e);
        }
    }

    /** A CA's certificate: self-signed, or (a cross certificate) signed by {@code issuer}'s key with the same subject. */
    private static X500Name newName() {
        return new X500Name("CN=Vireo engine CA " + Instant.now().getEpochSecond() + "-"
                + Long.toHexString(RANDOM.nextLong() & 0xffff));
    }

    private static X509v3CertificateBuilder authorityBuilder(KeyPair keyPair, Duration lifetime, X500Name name,
                                                             X509Certificate issuer) throws IOException {
        Instant now = Instant.now();
        Date from = Date.from(now.minus(backdating(lifetime)));
        Date until = Date.from(now.plus(lifetime));
        X509v3CertificateBuilder builder = issuer == null
                ? new JcaX509v3CertificateBuilder(name, serial(), from, until, name, keyPair.getPublic())
                : new JcaX509v3CertificateBuilder(issuer, serial(), from, until, new X500Principal(name.toString()),
                        keyPair.getPublic());
        return builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }

    private static Optional<X509Certificate> optionalCertificate(Path file) throws IOException {
        return Files.exists(file) ? Optional.of(Pem.readCertificate(Files.readString(file))) : Optional.empty();
    }

    /** Certificates start a little in the past, for clocks a little behind: an hour, or a tenth of a short life. */
    private static Duration backdating(Duration lifetime) {
        Duration tenth = lifetime.dividedBy(10);
        return tenth.compareTo(MAX_BACKDATING) < 0 ? tenth : MAX_BACKDATING;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA before the last rotation, still trusted for the agents' certificates it signed. */
    public Optional<X509Certificate> previous() {
        return previous;
    }

    /** The CA certificates an agent trusts: the current first, then the previous one. */
    public List<X509Certificate> trusted() {
        return previous.map(old -> List.of(certificate, old)).orElse(List.of(certificate));
    }

    /** Whether the current CA (not a previous one) signed this certificate. */
    public boolean issued(X509Certificate certificate) {
        try {
            certificate.verify(keyPair.getPublic());
            return certificate.getIssuerX500Principal().equals(this.certificate.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The SHA-256 fingerprint of the CA's certificate, which clients check before trusting it. */
    public String fingerprint() {
        return CertificateFingerprint.of(certificate);
    }

    public String certificatePem() {
        return Pem.write(certificate);
    }

    /**
     * The subject of the certificate this CA signs for a host: its id and nothing else, as a SPICE client's
     * {@code host-subject} writes it ("CN=..."), which checks it instead of the host's name.
     */
    public static String hostSubject(String hostId) {
        return "CN=" + hostId;
    }

    /**
     * Signs a host's certificate request; the subject is the host id, whatever the request asked.
     * The one certificate serves the agent's link to the engine (clientAuth) and the host's libvirtd
     * and QEMU, which use it both as a TLS server for migrations and consoles (serverAuth, named for
     * {@code address}, the host's address as registered: an IP address or a DNS name) and as a client
     * of the other hosts' libvirtd and QEMU. Key usage includes keyEncipherment because libvirt and
     * QEMU refuse a certificate whose critical key usage lacks it, whatever the key's type.
     */
    public X509Certificate signHost(String csrPem, String hostId, String address, Duration lifetime) {
        requireNonNull(address, "address");
        PKCS10CertificationRequest request = Pem.readCertificateRequest(csrPem);
        try {
            PublicKey publicKey = new JcaPKCS10CertificationRequest(request).getPublicKey();
            if (!request.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(publicKey))) {
                throw new IllegalArgumentException("the request is not signed by the key it is for");
            }
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(Instant.now().minus(backdating(lifetime))), Date.from(Instant.now().plus(lifetime)),
                    new X500Name(hostSubject(hostId)), publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(hostName(address)))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            return sign(builder, keyPair.getPrivate());
        } catch (GeneralSecurityException | IOException | OperatorCreationException | PKCSException e) {
            throw new IllegalArgumentException("the certificate signing request is not usable: " + e.getMessage(), e);
        }
    }

    /** An IP address (v4 or v6) as an iPAddress name, anything else as a dNSName. */
    static GeneralName hostName(String address) {
        if (org.bouncycastle.util.IPAddress.isValid(address)) {
            return new GeneralName(GeneralName.iPAddress, address);
        }
        return new GeneralName(GeneralName.dNSName, address);
    }

    /**
     * A server certificate valid for the given host names and IP addresses, with the CA after it;
     * for the agent endpoint after a rotation, the cross certificate instead, which agents that
     * trust only the previous CA can follow.
     */
    public KeyStore serverKeyStore(List<String> dnsNames, List<String> ipAddresses, char[] password) {
        return serverKeyStore(dnsNames, ipAddresses, password, false);
    }

    public KeyStore serverKeyStore(List<String> dnsNames, List<String> ipAddresses, char[] password, boolean forAgents) {
        try {
            KeyPair serverKeys = newKeyPair();
            GeneralName[] names = new GeneralName[dnsNames.size() + ipAddresses.size()];
            int i = 0;
            for (String dns : dnsNames) {
                names[i++] = new GeneralName(GeneralName.dNSName, dns);
            }
            for (String ip : ipAddresses) {
                names[i++] = new GeneralName(GeneralName.iPAddress, ip);
            }
            X509v3CertificateBuilder builder = leaf(new X500Name("CN=vireo-engine"), serverKeys.getPublic(),
                    SERVER_CERTIFICATE_LIFETIME)
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate serverCertificate = sign(builder, keyPair.getPrivate());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            X509Certificate after = forAgents ? cross.orElse(certificate) : certificate;
            store.setKeyEntry("engine", serverKeys.getPrivate(), password, new Certificate[]{serverCertificate, after});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot make the engine's server certificate", e);
        }
    }

    /**
     * A client certificate for the engine itself, with the CA after it: what the engine shows where it is
     * a TLS client of a host (the console proxy to a VM's VNC display, whose QEMU asks for a certificate of
     * this CA). Made fresh at each start, like the engine's server certificates.
     */
    public KeyStore clientKeyStore(String commonName, char[] password) {
        try {
            KeyPair clientKeys = newKeyPair();
            X509v3CertificateBuilder builder = leaf(new X500Name("CN=" + commonName), clientKeys.getPublic(),
                    SERVER_CERTIFICATE_LIFETIME)
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            X509Certificate clientCertificate = sign(builder, keyPair.getPrivate());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("engine-client", clientKeys.getPrivate(), password, new Certificate[]{clientCertificate, certificate});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot make the engine's client certificate", e);
        }
    }

    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("vireo-ca", certificate);
            previous.ifPresent(old -> {
                try {
                    store.setCertificateEntry("vireo-ca-previous", old);
                } catch (KeyStoreException e) {
                    throw new IllegalStateException(e);
                }
            });
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509v3CertificateBuilder leaf(X500Name subject, PublicKey publicKey, Duration lifetime) throws IOException {
        return new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(Instant.now().minus(backdating(lifetime))),
                Date.from(Instant.now().plus(lifetime)), subject, publicKey)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
            X509CertificateHolder holder = builder.build(signer);
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign a certificate", e);
        }
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }
}
