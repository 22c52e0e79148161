package io.vireo.engine.auth;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logging in and out over HTTP, on the engine's real HTTP edge and a real PostgreSQL: RFC 7009
 * revocation (form or JSON, 200 for any token) and 429 with Retry-After.
 */
class AuthResourceTest {
    private static final String PASSWORD = "correct horse battery";

    private final Database database = TestDatabase.fresh();
    private final PasswordHasher hasher = new PasswordHasher(1024, 1);
    private final AuthService auth = new AuthService(database.jdbi(), hasher, Clock.systemUTC(), new LoginLimits(50, 4));
    private final ApiServer server = new ApiServer("127.0.0.1", 0, auth::principalForToken,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(new AuthResource(auth),
            routes -> routes.get("/api/whoami", "The caller's name", ctx -> ctx.result(ApiServer.user(ctx)))), "test",
            java.util.Optional.empty());
    private final HttpClient http = HttpClient.newHttpClient();

    AuthResourceTest() {
        new UserDirectory(database.jdbi(), hasher, new EventLog(database.jdbi()))
                .create(new User.Create("alice", PASSWORD, null, null));
        server.start();
    }

    @AfterEach
    void close() {
        server.close();
        database.close();
    }

    @Test
    void aRevokedTokenIsRefusedAndRevokingAnyTokenAnswers200() throws Exception {
        String first = login();
        String second = login();
        assertThat(whoami(first).body()).isEqualTo("alice");

        HttpResponse<String> revoked = post("/sso/oauth/revoke", "application/x-www-form-urlencoded", "token=" + first);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(whoami(first).statusCode()).isEqualTo(401);
        assertThat(whoami(second).statusCode()).isEqualTo(200);
        assertThat(post("/sso/oauth/revoke", "application/x-www-form-urlencoded", "token=" + first).statusCode()).isEqualTo(200);
        assertThat(post("/sso/oauth/revoke", "application/x-www-form-urlencoded", "token=made-up&token_type_hint=access_token")
                .statusCode()).isEqualTo(200);
        assertThat(post("/sso/oauth/revoke", "application/json", "{\"token\": \"" + second + "\"}").statusCode()).isEqualTo(200);
        assertThat(whoami(second).statusCode()).isEqualTo(401);

        HttpResponse<String> missing = post("/sso/oauth/revoke", "application/x-www-form-urlencoded", "");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("\"error\":\"MISSING_FIELD\"", "token");
        HttpResponse<String> notText = post("/sso/oauth/revoke", "application/json", "{\"token\": 12}");
        assertThat(notText.statusCode()).isEqualTo(400);
        assertThat(notText.body()).contains("\"error\":\"INVALID_FIELD\"");
    }

    @Test
    void tooManyLoginRequestsAnswer429WithRetryAfter() throws Exception {
        login();
        login();
        assertThat(post("/sso/oauth/token", "application/x-www-form-urlencoded", "grant_type=password&username=alice&password=x")
                .statusCode()).isEqualTo(400);
        assertThat(post("/sso/oauth/token", "application/json", "{\"grant_type\": \"password\", \"username\": \"alice\", "
                + "\"password\": \"" + PASSWORD + "\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> tooMany = post("/sso/oauth/token", "application/x-www-form-urlencoded",
                "grant_type=password&username=alice&password=" + PASSWORD);
        assertThat(tooMany.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(tooMany.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 15L);
        assertThat(tooMany.body()).contains("\"error\":\"TOO_MANY_REQUESTS\"", "Too many login requests from 127.0.0.1",
                "\"retryAfterSeconds\":" + retryAfter);
    }

    private String login() throws IOException, InterruptedException {
        HttpResponse<String> response = post("/sso/oauth/token", "application/x-www-form-urlencoded",
                "grant_type=password&username=alice&password=" + PASSWORD.replace(' ', '+'));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    }

    private HttpResponse<String> whoami(String token) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/api/whoami")).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }
}
