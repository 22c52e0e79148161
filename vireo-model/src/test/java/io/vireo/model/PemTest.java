package io.vireo.model;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemTest {
    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static ContentSigner signer(KeyPair keys) throws Exception {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
    }

    @Test
    void aCertificateReadsBackAsWritten() throws Exception {
        KeyPair keys = keyPair();
        X500Name name = new X500Name("CN=pem test");
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.ONE, Date.from(Instant.now()), Date.from(Instant.now().plusSeconds(60)), name, keys.getPublic())
                .build(signer(keys)));

        String pem = Pem.write(certificate);

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Pem.readCertificate(pem)).isEqualTo(certificate);
    }

    @Test
    void aPrivateKeyGoesToAnOwnerOnlyFileAsPkcs8AndReadsBack(@TempDir Path directory) throws Exception {
        KeyPair keys = keyPair();
        Path file = directory.resolve("agent.key");
        Files.writeString(file, "an older key");

        Pem.writePrivateKey(file, keys.getPrivate());

        String pem = Files.readString(file);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(((java.security.interfaces.ECPrivateKey) Pem.readPrivateKey(pem, "agent.key")).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS());
    }

    @Test
    void anEcKeyCarriesItsPublicPointAsGnuTlsRequires() throws Exception {
        KeyPair keys = keyPair();
        String pem = Pem.privateKey(keys.getPrivate());

        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(
                new org.bouncycastle.util.io.pem.PemReader(new java.io.StringReader(pem)).readPemObject().getContent());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        byte[] expected = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())
                .getPublicKeyData().getBytes();
        assertThat(inner.getPublicKey()).as("the public point inside the key").isNotNull();
        assertThat(inner.getPublicKey().getBytes()).isEqualTo(expected);
        assertThat(((java.security.interfaces.ECPrivateKey) Pem.readPrivateKey(pem, "test")).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS());
    }

    @Test
    void aCertificateRequestReadsBack() throws Exception {
        KeyPair keys = keyPair();
        String pem = Pem.write(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=vireo-agent"), keys.getPublic())
                .build(signer(keys)));

        assertThat(Pem.readCertificateRequest(pem).getSubject()).isEqualTo(new X500Name("CN=vireo-agent"));
    }

    @Test
    void textOfAnotherKindIsRefusedSayingWhatWasExpected() throws Exception {
        String certificateRequest = Pem.write(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keyPair().getPublic())
                .build(signer(keyPair())));
        assertThatThrownBy(() -> Pem.readPrivateKey(certificateRequest, "ca.key")).hasMessage("ca.key does not hold a PKCS#8 private key");
        assertThatThrownBy(() -> Pem.readCertificate("not PEM at all")).hasMessage("not a PEM certificate");
        assertThatThrownBy(() -> Pem.readCertificateRequest("not a csr")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a PEM certificate signing request");
    }
}
