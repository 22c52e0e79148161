package io.vireo.it;

import io.vireo.agent.enrollment.AgentIdentity;
import io.vireo.model.CertificateFingerprint;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A token enrolls once; the agent endpoint takes only certificates this engine issued to a host it knows. */
class EnrollmentIT extends LabTest {

    @Test
    void aTokenWorksOnceAndOnlyIssuedCertificatesConnect() throws Exception {
        Api.Response created = api.post("/api/hosts", Map.of("name", "enrolled-once", "address", "10.231.0.98",
                "clusterId", lab.clusterId()));
        String token = created.body().get("enrollmentToken").asText();
        String fingerprint = created.body().get("caFingerprint").asText();
        String hostId = created.body().get("host").get("id").asText();
        Path first = Files.createTempDirectory("vireo-enroll");
        Path second = Files.createTempDirectory("vireo-enroll");

        AgentIdentity identity = AgentIdentity.enroll(api.baseUrl(), token, fingerprint, first);
        assertThat(identity.hostId()).isEqualTo(hostId);
        assertThatThrownBy(() -> AgentIdentity.enroll(api.baseUrl(), token, fingerprint, second))
                .isInstanceOf(IOException.class).hasMessageContaining("used already");

        URI endpoint = URI.create(identity.endpoint());
        assertThat(refusal(endpoint, identity.sslContext())).as("the issued certificate").isEmpty();
        // without a certificate the TLS handshake itself fails: the endpoint needs one
        assertThat(refusal(endpoint, trustOnly(first.resolve("ca.crt")))).as("no client certificate")
                .hasValueSatisfying(failure -> assertThat(causes(failure)).as(causes(failure).toString())
                        .anyMatch(cause -> cause instanceof SSLException));

        assertThat(api.delete("/api/hosts/" + hostId).status()).isEqualTo(204);
        // a certificate this engine issued still passes TLS, but the host is gone: the upgrade is refused, 403
        assertThat(refusal(endpoint, identity.sslContext())).as("the certificate of a removed host")
                .hasValueSatisfying(failure -> assertThat(failure).isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        refused -> assertThat(refused.getResponse().statusCode()).isEqualTo(403)));
    }

    @Test
    void anAgentRefusesAnEngineWhoseCaIsNotTheOneGivenWithTheToken() throws Exception {
        Api.Response created = api.post("/api/hosts", Map.of("name", "wrong-ca", "address", "10.231.0.97",
                "clusterId", lab.clusterId()));
        String token = created.body().get("enrollmentToken").asText();
        String fingerprint = created.body().get("caFingerprint").asText();
        assertThat(fingerprint).isEqualTo(CertificateFingerprint.of(LabEnvironment.readCertificate(lab.caFile())));
        String wrong = CertificateFingerprint.normalize("AA".repeat(32));
        Path state = Files.createTempDirectory("vireo-enroll");

        // as the vireo command runs it, from a lab host: refused, and nothing kept
        String refused = VireoProcess.runExpectingFailure(List.of("ip", "netns", "exec", lab.lab().host("h1").netns()), List.of("agent", "enroll",
                "--engine", api.baseUrl().replace("127.0.0.1", lab.lab().rootAddress()), "--token", token,
                "--ca-fingerprint", wrong, "--state-dir", state.toString()), Duration.ofMinutes(2));
        assertThat(refused).contains("Refused to enroll", wrong);
        assertThat(AgentIdentity.isEnrolled(state)).isFalse();
        try (var files = Files.list(state)) {
            assertThat(files).as("nothing kept").isEmpty();
        }
        // the token never reached the engine: it still enrolls the agent that has the right fingerprint
        AgentIdentity identity = AgentIdentity.enroll(api.baseUrl(), token, fingerprint, state);
        assertThat(identity.hostId()).isEqualTo(created.body().get("host").get("id").asText());
        assertThat(api.delete("/api/hosts/" + identity.hostId()).status()).isEqualTo(204);
    }

    /** Opens the agent endpoint; answers why it was refused, or nothing when the agent got in. */
    private static Optional<Throwable> refusal(URI endpoint, SSLContext ssl) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        try {
            WebSocket socket = client.newWebSocketBuilder().buildAsync(endpoint, new WebSocket.Listener() {
            }).get(15, TimeUnit.SECONDS);
            socket.abort();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of(e.getCause());
        }
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }

    private static SSLContext trustOnly(Path caCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(caCertificate)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
