package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.Json;
import io.vireo.model.TlsTrust;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A small client of the Vireo REST API for the CLI. */
public final class ApiClient {
    static final ObjectMapper MAPPER = Json.lenientMapper();

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String baseUrl;
    private final String token;
    private final Optional<X509Certificate> ca;
    private final Duration requestTimeout;
    private final HttpClient http;

    /** @param ca the engine's CA accepted at login, the only one trusted; empty: this machine's trust store */
    public ApiClient(String baseUrl, String token, Optional<X509Certificate> ca) {
        this(baseUrl, token, ca, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    ApiClient(String baseUrl, String token, Optional<X509Certificate> ca, Duration connectTimeout, Duration requestTimeout) {
        this.baseUrl = requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "");
        this.token = token;
        this.ca = requireNonNull(ca, "ca");
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
        ca.ifPresent(authority -> builder.sslContext(TlsTrust.trusting(authority)));
        this.http = builder.build();
    }

    /** Thrown for an error answer; the message is the engine's sentence. */
    public static final class ApiError extends RuntimeException {
        private final int status;
        private final String code;

        ApiError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    /** Logs in with a password and answers the access token. */
    public String login(String user, String password) throws IOException, InterruptedException {
        String form = "grant_type=password&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/sso/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return send(request).get("access_token").asText();
    }

    /** Revokes a token (RFC 7009): the engine answers 200 whether or not it knew the token. */
    public void revoke(String revokedToken) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/sso/oauth/revoke"))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(revokedToken, StandardCharsets.UTF_8)))
                .build();
        send(request);
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(builder(path).GET().build());
    }

    public JsonNode post(String path, Object body) throws IOException, InterruptedException {
        String json = body == null ? "" : MAPPER.writeValueAsString(body);
        return send(builder(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public JsonNode put(String path, Object body) throws IOException, InterruptedException {
        return send(builder(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body))).build());
    }

    public JsonNode delete(String path) throws IOException, InterruptedException {
        return send(builder(path).DELETE().build());
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(requestTimeout);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** A GET whose answer is not JSON (a remote-viewer file, say); errors are still JSON. */
    public String getText(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = exchange(builder(path).GET().build());
        if (response.statusCode() >= 400) {
            throw error(response, json(response.body()));
        }
        return response.body();
    }

    /** Sends a request; a failure to reach the engine becomes a sentence that says where, why and what to do. */
    private HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw EngineConnection.explain(baseUrl, ca, e);
        }
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = exchange(request);
        JsonNode json = json(response.body());
        if (response.statusCode() >= 400) {
            throw error(response, json);
        }
        return json;
    }

    private static JsonNode json(String body) throws IOException {
        return body == null || body.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
    }

    /** Vireo's error body {@code {"error", "message"}}, or Neutron's {@code {"NeutronError": {"type", "message"}}}. */
    private static ApiError error(HttpResponse<String> response, JsonNode json) {
        JsonNode neutron = json.path("NeutronError");
        if (neutron.isObject()) {
            return new ApiError(response.statusCode(), neutron.path("type").asText("HTTP_" + response.statusCode()),
                    neutron.path("message").asText(response.body()));
        }
        return new ApiError(response.statusCode(), json.path("error").asText("HTTP_" + response.statusCode()),
                json.path("message").asText(response.body()));
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
