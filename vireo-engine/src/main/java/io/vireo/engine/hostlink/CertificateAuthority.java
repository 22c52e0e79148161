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

import static java.util.Objects.requireNonNull;

/**
 * The engine's certificate authority: made once in the data directory, it signs each host's
 * certificate at enrollment and the engine's own server certificate for the agent endpoint.
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration HOST_CERTIFICATE_LIFETIME = Duration.ofDays(365);

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private CertificateAuthority(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = requireNonNull(keyPair, "keyPair");
        this.certificate = requireNonNull(certificate, "certificate");
    }

    /** Loads the CA from {@code directory}, creating it on first use. */
    public static CertificateAuthority loadOrCreate(Path directory) {
        Path keyFile = directory.resolve("ca.key");
        Path certificateFile = directory.resolve("ca.crt");
        try {
            if (Files.exists(keyFile) && Files.exists(certificateFile)) {
                X509Certificate certificate = Pem.readCertificate(Files.readString(certificateFile));
                return new CertificateAuthority(new KeyPair(certificate.getPublicKey(),
                        Pem.readPrivateKey(Files.readString(keyFile), "ca.key")), certificate);
            }
            Files.createDirectories(directory);
            KeyPair keyPair = newKeyPair();
            X500Name name = new X500Name("CN=Vireo engine CA " + Instant.now().getEpochSecond());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(Instant.now().minus(Duration.ofHours(1))),
                    Date.from(Instant.now().plus(Duration.ofDays(3650))), name, keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate certificate = sign(builder, keyPair.getPrivate());
            Pem.writePrivateKey(keyFile, keyPair.getPrivate());
            Files.writeString(certificateFile, Pem.write(certificate));
            return new CertificateAuthority(keyPair, certificate);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load or create the engine CA in " + directory, e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The SHA-256 fingerprint of the CA's certificate, which clients check before trusting it. */
    public String fingerprint() {
        return CertificateFingerprint.of(certificate);
    }

    public String certificatePem() {
        return Pem.write(certificate);
    }

    /** Signs a host's certificate request; the subject is the host id, whatever the request asked. */
    public X509Certificate signHost(String csrPem, String hostId) {
        PKCS10CertificationRequest request = Pem.readCertificateRequest(csrPem);
        try {
            PublicKey publicKey = new JcaPKCS10CertificationRequest(request).getPublicKey();
            X509v3CertificateBuilder builder = leaf(new X500Name("CN=" + hostId), publicKey, HOST_CERTIFICATE_LIFETIME)
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return sign(builder, keyPair.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the certificate signing request is not usable: " + e.getMessage(), e);
        }
    }

    /** A server certificate for the agent endpoint, valid for the given host names and IP addresses. */
    public KeyStore serverKeyStore(List<String> dnsNames, List<String> ipAddresses, char[] password) {
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
            X509v3CertificateBuilder builder = leaf(new X500Name("CN=vireo-engine"), serverKeys.getPublic(), Duration.ofDays(365))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate serverCertificate = sign(builder, keyPair.getPrivate());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("engine", serverKeys.getPrivate(), password, new Certificate[]{serverCertificate, certificate});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot make the engine's server certificate", e);
        }
    }

    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("vireo-ca", certificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509v3CertificateBuilder leaf(X500Name subject, PublicKey publicKey, Duration lifetime) throws IOException {
        return new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(Instant.now().minus(Duration.ofHours(1))),
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
