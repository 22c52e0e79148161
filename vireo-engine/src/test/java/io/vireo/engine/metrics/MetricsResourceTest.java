package io.vireo.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vireo.engine.api.ApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** /metrics answers only the metrics token; the token is made once, for the engine's user alone. */
class MetricsResourceTest {
    private ApiServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> scrape(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageIsForTheTokenOnly(@TempDir Path directory) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("vireo_hosts", () -> 42).register(registry);
        MetricsToken token = MetricsToken.readOrCreate(directory.resolve("metrics-token"));
        server = new ApiServer("127.0.0.1", 0, bearer -> Optional.empty(), registry,
                List.of(new MetricsResource(registry, token)), "test", Optional.empty());
        server.start();

        HttpResponse<String> anonymous = scrape(null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(anonymous.body()).contains("UNAUTHORIZED").doesNotContain("vireo_hosts");
        assertThat(scrape("Bearer " + token.value() + "x").statusCode()).isEqualTo(401);
        assertThat(scrape("Bearer " + token.value().substring(1)).statusCode()).isEqualTo(401);
        assertThat(scrape("Basic " + token.value()).statusCode()).isEqualTo(401);

        HttpResponse<String> scraped = scrape("Bearer " + token.value());
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("vireo_hosts 42.0");
    }

    @Test
    void theEnginesTokenIsRandomReadableByItsUserAndKept(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("metrics-token");
        MetricsToken made = MetricsToken.readOrCreate(file);
        assertThat(made.value()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(MetricsToken.readOrCreate(file)).isEqualTo(made);
        assertThat(MetricsToken.readOrCreate(directory.resolve("another"))).isNotEqualTo(made);
        assertThat(made.toString()).doesNotContain(made.value());

        Path given = Files.writeString(directory.resolve("given"), "a-token-an-administrator-chose\n");
        assertThat(MetricsToken.read(given).value()).isEqualTo("a-token-an-administrator-chose");
        Path empty = Files.writeString(directory.resolve("empty"), "\n");
        assertThatThrownBy(() -> MetricsToken.read(empty)).hasMessageContaining("empty");
        assertThatThrownBy(() -> MetricsToken.read(directory.resolve("missing"))).hasMessageContaining("cannot read");
        Path weak = Files.writeString(directory.resolve("weak"), "short");
        assertThatThrownBy(() -> MetricsToken.read(weak)).hasMessageContaining("at least 16");
    }
}
