package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.Json;
import io.vireo.model.TlsTrust;

import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;

/** A test's view of the public REST API: every call answers its status and JSON body. */
public final class Api {
    static final ObjectMapper MAPPER = Json.lenientMapper();

    private final String baseUrl;
    private final X509Certificate ca;
    private volatile String token;
    private final HttpClient http;

    /** @param ca the engine's CA: the only one this client trusts, as a user who accepted it at login */
    public Api(String baseUrl, X509Certificate ca) {
        this.baseUrl = baseUrl;
        this.ca = ca;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(sslContext()).build();
    }

    /** TLS that trusts the engine's CA only. */
    public SSLContext sslContext() {
        return TlsTrust.trusting(ca);
    }

    /** The HTTP client this API uses, for pages that are not JSON (metrics, remote-viewer files). */
    public HttpClient http() {
        return http;
    }

    /** The WebSocket address of a path on the engine (wss:// for https://). */
    public URI webSocket(String path) {
        return URI.create(baseUrl.replaceFirst("^http", "ws") + path);
    }

    public record Response(int status, JsonNode body) {
        public String error() {
            return body.path("error").asText();
        }

        public String message() {
            return body.path("message").asText();
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Api login(String user, String password) {
        Response response = form("/sso/oauth/token", "grant_type=password&username=" + encode(user) + "&password=" + encode(password));
        if (response.status() != 200) {
            throw new IllegalStateException("login failed: " + response);
        }
        token = response.body().get("access_token").asText();
        return this;
    }

    public String token() {
        return token;
    }

    public Response form(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), false);
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(), true);
    }

    public Response post(String path, Object body) {
        String json;
        try {
            json = body == null ? "" : body instanceof String text ? text : MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), true);
    }

    public Response put(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body))), true);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE(), true);
    }

    /** The engine's Prometheus page, read with the metrics token (a file in its data directory), not a user's. */
    public String metrics(java.nio.file.Path tokenFile) {
        try {
            String metricsToken = java.nio.file.Files.readString(tokenFile).strip();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                    .header("Authorization", "Bearer " + metricsToken).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200) {
                throw new IllegalStateException("/metrics answered " + page.statusCode() + ": " + page.body());
            }
            return page.body();
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends with a method and no token: for checking that nothing under /api answers without one. */
    public Response anonymous(String method, String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") || method.equals("DELETE") ? "" : "{}")), false);
    }

    public Response withToken(String method, String path, String anotherToken) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + anotherToken)
                .method(method, HttpRequest.BodyPublishers.noBody()), false);
    }

    private Response send(HttpRequest.Builder builder, boolean authenticated) {
        if (authenticated && token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(builder.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Response(response.statusCode(), body == null || body.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(body));
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
