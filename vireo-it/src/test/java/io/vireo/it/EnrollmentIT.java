package io.vireo.it;

import io.vireo.agent.enrollment.AgentIdentity;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
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
        String hostId = created.body().get("host").get("id").asText();
        Path first = Files.createTempDirectory("vireo-enroll");
        Path second = Files.createTempDirectory("vireo-enroll");

        AgentIdentity identity = AgentIdentity.enroll(api.baseUrl(), token, first);
        assertThat(identity.hostId()).isEqualTo(hostId);
        assertThatThrownBy(() -> AgentIdentity.enroll(api.baseUrl(), token, second))
                .isInstanceOf(IOException.class).hasMessageContaining("used already");

        URI endpoint = URI.create(identity.endpoint());
        assertThat(connect(endpoint, identity.sslContext())).as("the issued certificate").isTrue();
        assertThat(connect(endpoint, trustOnly(first.resolve("ca.crt")))).as("no client certificate").isFalse();

        assertThat(api.delete("/api/hosts/" + hostId).status()).isEqualTo(204);
        assertThat(connect(endpoint, identity.sslContext())).as("the certificate of a removed host").isFalse();
    }

    private static boolean connect(URI endpoint, SSLContext ssl) {
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        try {
            WebSocket socket = client.newWebSocketBuilder().buildAsync(endpoint, new WebSocket.Listener() {
            }).get(15, TimeUnit.SECONDS);
            socket.abort();
            return true;
        } catch (Exception e) {
            return false;
        }
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
