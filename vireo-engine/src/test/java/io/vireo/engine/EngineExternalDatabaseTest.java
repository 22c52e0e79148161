package io.vireo.engine;

import io.vireo.engine.auth.LoginLimits;
import io.vireo.engine.store.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vireo.model.CertificateFingerprint;
import io.vireo.model.Pem;
import io.vireo.model.TlsTrust;

import java.net.URI;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine on an external PostgreSQL given by URL (here a real server started for the test),
 * serving its API over HTTPS with a certificate its own CA signed.
 */
class EngineExternalDatabaseTest {
    @Test
    void startsOnAGivenDatabaseAndServesTheApi(@TempDir Path data) throws Exception {
        TestDatabase.External database = TestDatabase.freshExternal();
        EngineConfig config = new EngineConfig(data, Optional.of(database.url()), Optional.of(database.user()),
                Optional.of(database.password()),
                "127.0.0.1", 0, 0, Optional.of("127.0.0.1"), Optional.of("s3cret-admin"), Duration.ofSeconds(30),
                Duration.ofMinutes(1), Optional.empty(), LoginLimits.DEFAULTS, EngineConfig.Pruning.defaults(), EngineConfig.Metrics.defaults(),
                io.vireo.engine.hosts.DisplayAccess.defaults(), EngineConfig.Tls.DEFAULT);
        try (Engine engine = new Engine(config)) {
            engine.start();
            assertThat(engine.generatedAdminPassword()).isEmpty();
            assertThat(engine.apiUrl()).isEqualTo("https://127.0.0.1:" + engine.apiPort());
            X509Certificate ca = Pem.readCertificate(Files.readString(data.resolve("pki/ca.crt")));
            assertThat(engine.caFingerprint()).isEqualTo(CertificateFingerprint.of(ca));
            HttpClient http = HttpClient.newBuilder().sslContext(TlsTrust.trusting(ca)).build();
            String base = "https://127.0.0.1:" + engine.apiPort();
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(base + "/sso/oauth/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=admin&password=s3cret-admin")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(token.statusCode()).isEqualTo(200);
            String accessToken = token.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
            HttpResponse<String> dataCenters = http.send(HttpRequest.newBuilder(URI.create(base + "/api/datacenters"))
                    .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(dataCenters.statusCode()).isEqualTo(200);
            assertThat(dataCenters.body()).isEqualTo("[]");
            HttpResponse<String> openApi = http.send(HttpRequest.newBuilder(URI.create(base + "/api/openapi.json"))
                    .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(openApi.body()).contains("\"openapi\":\"3.0.3\"").contains("/api/vms/{id}/start");
            // /metrics: not for a user's token, only for the one in the data directory
            HttpResponse<String> metricsForAUser = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .header("Authorization", "Bearer " + accessToken).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metricsForAUser.statusCode()).isEqualTo(401);
            String metricsToken = java.nio.file.Files.readString(data.resolve("metrics-token")).strip();
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .header("Authorization", "Bearer " + metricsToken).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("vireo_engine_leader");
        }
    }
}
