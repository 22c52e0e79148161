package io.vireo.engine.hostlink;

import io.vireo.model.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateAuthorityTest {
    @Test
    void signsHostCertificatesWithTheHostIdAsSubject(@TempDir Path directory) throws Exception {
        CertificateAuthority authority = CertificateAuthority.loadOrCreate(directory);
        KeyPair keys = CertificateAuthority.newKeyPair();
        String csr = Pem.write(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=anything-the-host-says"),
                keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        String hostId = UUID.randomUUID().toString();

        X509Certificate certificate = authority.signHost(csr, hostId);

        certificate.verify(authority.certificate().getPublicKey());
        assertThat(AgentLinkServer.hostIdOf(certificate.getSubjectX500Principal())).contains(UUID.fromString(hostId));
        assertThat(certificate.getPublicKey()).isEqualTo(keys.getPublic());
    }

    @Test
    void keepsTheSameAuthorityAcrossRestarts(@TempDir Path directory) {
        X509Certificate first = CertificateAuthority.loadOrCreate(directory).certificate();
        X509Certificate second = CertificateAuthority.loadOrCreate(directory).certificate();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void refusesGarbageRequests(@TempDir Path directory) {
        CertificateAuthority authority = CertificateAuthority.loadOrCreate(directory);
        assertThatThrownBy(() -> authority.signHost("not a csr", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serverCertificateNamesTheGivenAddresses(@TempDir Path directory) throws Exception {
        CertificateAuthority authority = CertificateAuthority.loadOrCreate(directory);
        var store = authority.serverKeyStore(List.of("localhost"), List.of("10.231.0.250"), "pw".toCharArray());
        X509Certificate certificate = (X509Certificate) store.getCertificate("engine");
        assertThat(certificate.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList())
                .contains((Object) "localhost", (Object) "10.231.0.250");
    }
}
