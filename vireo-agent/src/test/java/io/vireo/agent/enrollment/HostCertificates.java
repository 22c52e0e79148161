package io.vireo.agent.enrollment;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * A test fixture: a CA that signs host certificates the way the engine's does
 * (hostlink.CertificateAuthority.signHost, in another module): subject CN=host id, the host's
 * address as subjectAltName, serverAuth and clientAuth, critical key usage with keyEncipherment.
 */
public final class HostCertificates {
    private final KeyPair keys = AgentIdentity.newKeyPair();
    private final X509Certificate certificate;

    public HostCertificates(String name) {
        try {
            Instant now = Instant.now();
            X500Name subject = new X500Name(name);
            certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(subject,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(30))),
                    subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A new key and a certificate for it naming this address (an IP address here). */
    public Issued issue(String ipAddress) {
        try {
            KeyPair hostKeys = AgentIdentity.newKeyPair();
            Instant now = Instant.now();
            X509Certificate host = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(certificate,
                    BigInteger.valueOf(System.nanoTime()), Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))),
                    new javax.security.auth.x500.X500Principal("CN=" + UUID.randomUUID()), hostKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.iPAddress, ipAddress)))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new Issued(hostKeys, host, certificate);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate authority) {
        /** Writes it where libvirtd and QEMU read it. */
        public void writeTo(LibvirtPki pki) throws IOException {
            pki.write(keys.getPrivate(), certificate, List.of(authority));
        }
    }
}
