package io.vireo.engine.api;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The portals' pages come out of the engine's jar, without a token, and every module they load is there. */
class WebPortalsTest {
    private static final Pattern REFERENCE = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"|(?m)^import [^;]*? from '([^']+)'");
    private static ApiServer server;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        // static pages need no login: an authenticator that knows no token is enough here
        server = new ApiServer("127.0.0.1", 0, token -> java.util.Optional.empty(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(), "test",
                java.util.Optional.empty());
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bothPortalsAreServedWithEveryFileTheyReference() throws Exception {
        for (String page : List.of("/portal/", "/admin/", "/console/")) {
            HttpResponse<String> index = get(page);
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(index.body()).containsAnyOf("id=\"login\"", "id=\"console-login\"");
            assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(referencedFiles(page)).as(page).containsAnyOf("/common/api.js", "/console/novnc/core/rfb.js");
        }
    }

    @Test
    void modulesAreJavaScriptAndTheApiStillWantsAToken() throws Exception {
        assertThat(get("/common/api.js").headers().firstValue("Content-Type").orElse("")).contains("javascript");
        assertThat(get("/api/vms").statusCode()).isEqualTo(401);
        assertThat(get("/portal/no-such-file.js").statusCode()).isEqualTo(404);
    }

    /** Follows every src, href and ES import from a page; each must answer 200. */
    private static Set<String> referencedFiles(String page) throws Exception {
        Set<String> seen = new HashSet<>();
        Deque<String> next = new ArrayDeque<>(List.of(page));
        while (!next.isEmpty()) {
            String path = next.pop();
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            Matcher matcher = REFERENCE.matcher(response.body());
            while (matcher.find()) {
                String reference = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
                String resolved = URI.create("http://x" + path).resolve(reference).getPath();
                if (seen.add(resolved)) {
                    next.push(resolved);
                }
            }
        }
        return seen;
    }
}
