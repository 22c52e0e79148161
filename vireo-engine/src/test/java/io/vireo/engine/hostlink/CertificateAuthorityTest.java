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

        X509Certificate certificate = authority.signHost(csr, hostId, "10.0.0.7", java.time.Duration.ofDays(1));

        certificate.verify(authority.certificate().getPublicKey());
        assertThat(AgentLinkServer.hostIdOf(certificate.getSubjectX500Principal())).contains(UUID.fromString(hostId));
        assertThat(certificate.getPublicKey()).isEqualTo(keys.getPublic());
    }

    @Test
    void aHostCertificateServesLibvirtAsServerAndClientForTheHostsAddress(@TempDir Path directory) throws Exception {
        CertificateAuthority authority = CertificateAuthority.loadOrCreate(directory);

        X509Certificate byIp = authority.signHost(csr(), "h1", "10.231.0.1", java.time.Duration.ofDays(1));
        X509Certificate byName = authority.signHost(csr(), "h2", "kvm2.example.org", java.time.Duration.ofDays(1));
        X509Certificate byIpv6 = authority.signHost(csr(), "h3", "fd00::3", java.time.Duration.ofDays(1));

        // (type, value): 7 is iPAddress, 2 is dNSName
        assertThat(byIp.getSubjectAlternativeNames()).containsExactly(List.of(7, "10.231.0.1"));
        assertThat(byName.getSubjectAlternativeNames()).containsExactly(List.of(2, "kvm2.example.org"));
        assertThat(byIpv6.getSubjectAlternativeNames()).hasSize(1).allSatisfy(name -> assertThat(name.get(0)).isEqualTo(7));
        // libvirt and QEMU (GnuTLS) check both purposes, and refuse a critical key usage without keyEncipherment
        assertThat(byIp.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        boolean[] usage = byIp.getKeyUsage();
        assertThat(usage[0]).as("digitalSignature").isTrue();
        assertThat(usage[2]).as("keyEncipherment").isTrue();
        assertThat(byIp.getCriticalExtensionOIDs()).contains("2.5.29.15");
        assertThat(byIp.getBasicConstraints()).isEqualTo(-1);
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
        assertThatThrownBy(() -> authority.signHost("not a csr", "x", "h.example", java.time.Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serverCertificateNamesTheGivenAddresses(@TempDir Path directory) throws Exception {
        CertificateAuthority authority = CertificateAuthority.loadOrCreate(directory);
        var store = authority.serverKeyStore(List.of("localhost"), List.of("10.231.0.250"), "pw".toCharArray());
        X509Certificate certificate = (X509Certificate) store.getCertificate("engine");
        assertThat(certificate.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList())
                .contains((Object) "localhost", (Object) "10.231.0.250");
    }

    @Test
    void aRotatedCaKeepsAgentsOfThePreviousOneWorking(@TempDir Path directory) throws Exception {
        CertificateAuthority before = CertificateAuthority.loadOrCreate(directory);
        X509Certificate oldHost = before.signHost(csr(), UUID.randomUUID().toString(), "10.0.0.7", java.time.Duration.ofDays(1));

        CertificateAuthority after = CertificateAuthority.rotate(directory, java.time.Duration.ofDays(30));
        assertThat(after.certificate()).isNotEqualTo(before.certificate());
        assertThat(after.previous()).contains(before.certificate());
        assertThat(CertificateAuthority.loadOrCreate(directory).certificate()).as("kept on disk").isEqualTo(after.certificate());
        assertThat(after.trusted()).containsExactly(after.certificate(), before.certificate());

        // the engine still trusts the agents' certificates of the previous CA, and knows they are not of the current one
        assertThat(after.issued(oldHost)).isFalse();
        assertThat(after.issued(after.signHost(csr(), "x", "10.0.0.7", java.time.Duration.ofDays(1)))).isTrue();
        javax.net.ssl.X509TrustManager engineTrust = trustManager(after.trustStore());
        engineTrust.checkClientTrusted(new X509Certificate[]{oldHost}, "ECDHE_ECDSA");

        // an agent that trusts only the previous CA follows the cross certificate the agent endpoint sends
        var agentEndpoint = after.serverKeyStore(List.of("localhost"), List.of("127.0.0.1"), "pw".toCharArray(), true);
        X509Certificate[] chain = java.util.Arrays.stream(agentEndpoint.getCertificateChain("engine"))
                .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        trustManager(trustStoreOf(before.certificate())).checkServerTrusted(chain, "ECDHE_ECDSA");
        // and one that renewed (trusting the new CA first) too
        trustManager(trustStoreOf(after.certificate())).checkServerTrusted(chain, "ECDHE_ECDSA");
        // the HTTPS endpoint shows the new CA itself, which a client of the previous one refuses (and says so)
        var https = after.serverKeyStore(List.of("localhost"), List.of("127.0.0.1"), "pw".toCharArray(), false);
        X509Certificate[] httpsChain = java.util.Arrays.stream(https.getCertificateChain("engine"))
                .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        assertThat(httpsChain[httpsChain.length - 1]).isEqualTo(after.certificate());
        assertThatThrownBy(() -> trustManager(trustStoreOf(before.certificate())).checkServerTrusted(httpsChain, "ECDHE_ECDSA"))
                .isInstanceOf(java.security.cert.CertificateException.class);
    }

    @Test
    void shortLivesStartOnlyALittleInThePast(@TempDir Path directory) throws Exception {
        CertificateAuthority authority = CertificateAuthority.loadOrCreate(directory);
        X509Certificate minute = authority.signHost(csr(), "x", "10.0.0.7", java.time.Duration.ofMinutes(1));
        long life = minute.getNotAfter().getTime() - minute.getNotBefore().getTime();
        assertThat(life).as("a minute and a tenth of it").isBetween(65_000L, 67_000L);
    }

    private static String csr() throws Exception {
        KeyPair keys = CertificateAuthority.newKeyPair();
        return Pem.write(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=agent"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    private static java.security.KeyStore trustStoreOf(X509Certificate ca) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        return store;
    }

    private static javax.net.ssl.X509TrustManager trustManager(java.security.KeyStore store) throws Exception {
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return (javax.net.ssl.X509TrustManager) factory.getTrustManagers()[0];
    }
}
