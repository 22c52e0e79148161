package io.vireo.agent.enrollment;

import io.vireo.model.Host;
import io.vireo.model.Json;
import io.vireo.model.Pem;
import io.vireo.model.rpc.CertificateRequest;
import io.vireo.model.rpc.InstallCertificateParams;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent asks for a new certificate at two thirds of its life and keeps only an answer that fits its request. */
class CertificateRenewalTest {
    private static final String HOST = UUID.randomUUID().toString();
    private final TestCa ca = new TestCa("CN=test CA");
    private final MutableClock clock = new MutableClock(Instant.now());

    @Test
    void asksAtTwoThirdsOfTheCertificatesLifeAndAgainWhenUnanswered(@TempDir Path state) throws Exception {
        AgentIdentity identity = enrolled(state, Duration.ofMinutes(1));
        CertificateRenewal renewal = new CertificateRenewal(identity, state, clock);
        Instant from = identity.certificate().getNotBefore().toInstant();
        Instant until = identity.certificate().getNotAfter().toInstant();
        assertThat(CertificateRenewal.renewalTime(identity.certificate()))
                .isEqualTo(from.plus(Duration.between(from, until).multipliedBy(2).dividedBy(3)));

        clock.now = CertificateRenewal.renewalTime(identity.certificate()).minusMillis(1);
        assertThat(renewal.requestIfDue()).isEmpty();
        clock.now = CertificateRenewal.renewalTime(identity.certificate());
        CertificateRequest first = renewal.requestIfDue().orElseThrow();
        assertThat(renewal.requestIfDue()).as("waiting for the answer").isEmpty();
        clock.now = clock.now.plus(CertificateRenewal.retryAfter(identity.certificate()));
        CertificateRequest second = renewal.requestIfDue().orElseThrow();
        assertThat(keyOf(second)).as("a new key each time").isNotEqualTo(keyOf(first));
    }

    @Test
    void keepsOnlyACertificateForItsKeyAndHostSignedByACaSentWithIt(@TempDir Path state) throws Exception {
        AgentIdentity identity = enrolled(state, Duration.ofDays(1));
        CertificateRenewal renewal = new CertificateRenewal(identity, state, clock);
        assertThatThrownBy(() -> renewal.install(new InstallCertificateParams(Pem.write(identity.certificate()),
                List.of(Pem.write(ca.certificate)))))
                .as("nothing asked").isInstanceOf(IllegalArgumentException.class);
        CertificateRequest request = renewal.requestNow().orElseThrow();
        PublicKey requested = keyOf(request);

        X509Certificate otherKey = ca.sign("CN=" + HOST, AgentIdentity.newKeyPair().getPublic(), Duration.ofDays(1));
        assertThatThrownBy(() -> renewal.install(params(otherKey, ca))).hasMessageContaining("not for the key");
        X509Certificate otherHost = ca.sign("CN=" + UUID.randomUUID(), requested, Duration.ofDays(1));
        assertThatThrownBy(() -> renewal.install(params(otherHost, ca))).hasMessageContaining("not this host");
        TestCa stranger = new TestCa("CN=stranger");
        X509Certificate strangers = stranger.sign("CN=" + HOST, requested, Duration.ofDays(1));
        assertThatThrownBy(() -> renewal.install(params(strangers, ca))).hasMessageContaining("none of the CAs");
        assertThat(AgentIdentity.load(state).certificate()).as("nothing kept").isEqualTo(identity.certificate());

        TestCa rotated = new TestCa("CN=rotated CA");
        X509Certificate renewed = rotated.sign("CN=" + HOST, requested, Duration.ofDays(1));
        assertThat(renewal.install(new InstallCertificateParams(Pem.write(renewed),
                List.of(Pem.write(rotated.certificate), Pem.write(ca.certificate)))).serial())
                .isEqualTo(renewed.getSerialNumber().toString(16));
        assertThat(renewal.identity().certificate()).isEqualTo(renewed);
        AgentIdentity reloaded = AgentIdentity.load(state);
        assertThat(reloaded.certificate()).as("kept on disk").isEqualTo(renewed);
        assertThat(reloaded.caCertificates()).containsExactly(rotated.certificate, ca.certificate);
        assertThat(reloaded.sslContext()).isNotNull();
        try (var files = Files.list(state)) {
            assertThat(files.map(file -> file.getFileName().toString())).noneMatch(name -> name.endsWith(".next"));
        }
        assertThatThrownBy(() -> renewal.install(params(renewed, rotated))).as("answered once").hasMessageContaining("no certificate request");
    }

    @Test
    void aRenewedCertificateIsHandedToLibvirt(@TempDir Path state) throws Exception {
        AgentIdentity identity = enrolled(state, Duration.ofDays(1));
        LibvirtPki pki = new LibvirtPki(state.resolve("libvirt-pki"), java.util.Optional.empty());
        pki.write(identity);
        CertificateRenewal renewal = new CertificateRenewal(identity, state, clock, renewed -> {
            try {
                pki.write(renewed);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        X509Certificate renewed = ca.sign("CN=" + HOST, keyOf(renewal.requestNow().orElseThrow()), Duration.ofDays(2));

        renewal.install(params(renewed, ca));

        assertThat(Pem.readCertificate(Files.readString(pki.directory().resolve("servercert.pem")))).isEqualTo(renewed);
        assertThat(Pem.readCertificate(Files.readString(pki.qemuDirectory().resolve("client-cert.pem")))).isEqualTo(renewed);
        assertThat(LibvirtPkiTest.scalar(Files.readString(pki.directory().resolve("clientkey.pem"))))
                .isEqualTo(LibvirtPkiTest.scalar(AgentIdentity.load(state).keyPair().getPrivate()));
    }

    @Test
    void aCrashBetweenKeyAndCertificateIsFinishedAtTheNextStart(@TempDir Path state) throws Exception {
        enrolled(state, Duration.ofDays(1));
        KeyPair keys = AgentIdentity.newKeyPair();
        X509Certificate renewed = ca.sign("CN=" + HOST, keys.getPublic(), Duration.ofDays(1));
        // the key was moved into place, the certificate not yet
        Pem.writePrivateKey(state.resolve("agent.key"), keys.getPrivate());
        Files.writeString(state.resolve("agent.crt.next"), Pem.write(renewed));
        AgentIdentity loaded = AgentIdentity.load(state);
        assertThat(loaded.certificate()).isEqualTo(renewed);
        assertThat(loaded.sslContext()).isNotNull();
        assertThat(state.resolve("agent.crt.next")).doesNotExist();
    }

    private AgentIdentity enrolled(Path state, Duration lifetime) throws Exception {
        KeyPair keys = AgentIdentity.newKeyPair();
        X509Certificate certificate = ca.sign("CN=" + HOST, keys.getPublic(), lifetime);
        Pem.writePrivateKey(state.resolve("agent.key"), keys.getPrivate());
        Files.writeString(state.resolve("agent.crt"), Pem.write(certificate));
        Files.writeString(state.resolve("ca.crt"), Pem.write(ca.certificate));
        Json.lenientMapper().writeValue(state.resolve("enrollment.json").toFile(), new Host.Enrollment(HOST,
                Pem.write(certificate), Pem.write(ca.certificate), "wss://127.0.0.1:1/agent"));
        return AgentIdentity.load(state);
    }

    private static InstallCertificateParams params(X509Certificate certificate, TestCa authority) {
        return new InstallCertificateParams(Pem.write(certificate), List.of(Pem.write(authority.certificate)));
    }

    private static PublicKey keyOf(CertificateRequest request) throws Exception {
        return new JcaPKCS10CertificationRequest(Pem.readCertificateRequest(request.csrPem())).getPublicKey();
    }

    /** A test fixture: a self-signed CA made with BouncyCastle (the engine's own lives in another module). */
    private static final class TestCa {
        final KeyPair keys = AgentIdentity.newKeyPair();
        final X509Certificate certificate;

        TestCa(String name) {
            try {
                Instant now = Instant.now();
                certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                        new X500Name(name), BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
                        Date.from(now.plus(Duration.ofDays(30))), new X500Name(name), keys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        X509Certificate sign(String subject, PublicKey key, Duration lifetime) throws Exception {
            Instant now = Instant.now();
            return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(certificate,
                    BigInteger.valueOf(System.nanoTime()), Date.from(now.minus(lifetime.dividedBy(10))), Date.from(now.plus(lifetime)),
                    new javax.security.auth.x500.X500Principal(subject), key)
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
