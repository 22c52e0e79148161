package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** A small client of the Vireo REST API for the CLI. */
public final class ApiClient {
    static final ObjectMapper MAPPER = Json.lenientMapper();

    private final String baseUrl;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public ApiClient(String baseUrl, String token) {
        this.baseUrl = requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "");
        this.token = token;
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

    public static String login(String baseUrl, String user, String password) throws IOException, InterruptedException {
        String form = "grant_type=password&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl.replaceAll("/+$", "") + "/sso/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        JsonNode answer = new ApiClient(baseUrl, null).send(request);
        return answer.get("access_token").asText();
    }

    /** Revokes a token (RFC 7009): the engine answers 200 whether or not it knew the token. */
    public static void revoke(String baseUrl, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl.replaceAll("/+$", "") + "/sso/oauth/revoke"))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))).build();
        new ApiClient(baseUrl, null).send(request);
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
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** A GET whose answer is not JSON (a remote-viewer file, say); errors are still JSON. */
    public String getText(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(builder(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw error(response, json(response.body()));
        }
        return response.body();
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = json(response.body());
        if (response.statusCode() >= 400) {
            throw error(response, json);
        }
        return json;
    }

    private static JsonNode json(String body) throws IOException {
        return body == null || body.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
    }

    private static ApiError error(HttpResponse<String> response, JsonNode json) {
        return new ApiError(response.statusCode(), json.path("error").asText("HTTP_" + response.statusCode()),
                json.path("message").asText(response.body()));
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
