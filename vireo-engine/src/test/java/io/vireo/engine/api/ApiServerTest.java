package io.vireo.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vireo.engine.common.Principal;
import io.vireo.engine.store.SearchQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP edge on its own, with routes made for the test: how a body is read (null, wrong JSON
 * types, NUL characters, too large), how a failure that is not the client's is answered (a
 * reference, never the exception's text) and the limits on WebSocket messages.
 */
class ApiServerTest {
    private static final String SECRET = "relation \"vms\" does not exist at character 42";
    private static ApiServer server;
    private static final HttpClient http = HttpClient.newHttpClient();

    /** A body with a field of each JSON type the API's records use. */
    public record Thing(String name, Integer size, Boolean enabled, List<String> tags) {
    }

    @BeforeAll
    static void start() {
        Principal someone = new Principal(UUID.randomUUID(), "someone", Set.of());
        server = new ApiServer("127.0.0.1", 0, token -> token.equals("good") ? Optional.of(someone) : Optional.empty(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(routes -> {
            routes.post("/api/things", "echo a thing", 201, RouteTable.RequestBody.of(Thing.class),
                    ctx -> ctx.status(201).json(ApiServer.body(ctx, Thing.class)));
            routes.post("/api/things/optional", "echo a thing, if any", 200, RouteTable.RequestBody.optional(Thing.class),
                    ctx -> ctx.json(Optional.ofNullable(ApiServer.optionalBody(ctx, Thing.class)).map(Thing::name).orElse("none")));
            routes.post("/api/tree", "echo a JSON object", 200, RouteTable.RequestBody.of(JsonNode.class),
                    ctx -> ctx.json(ApiServer.body(ctx, JsonNode.class)));
            routes.post("/api/action", "an action that takes no body", 202, ctx -> ctx.status(202).json("done"));
            routes.get("/api/broken", "fails as a bug would", ctx -> {
                throw new IllegalStateException(SECRET);
            });
            routes.get("/api/search", "parses a search", ctx -> ctx.json(SearchQuery.parse(QueryParameters.search(ctx).orElse(""),
                    Map.of("memory", new SearchQuery.Field("memory_mib", SearchQuery.Type.NUMBER))).where()));
            routes.post("/form", "reads a form", 200, RouteTable.RequestBody.of(JsonNode.class), ctx -> ctx.result(String.valueOf(ctx.formParam("username"))));
            routes.raw().ws("/echo", ws -> ws.onBinaryMessage(ctx -> ctx.send(ctx.data())));
        }), "test", Optional.empty());
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Response(int status, JsonNode body) {
        String error() {
            return body.path("error").asText();
        }

        String message() {
            return body.path("message").asText();
        }

        String field() {
            return body.path("details").path("field").asText();
        }
    }

    private static Response send(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer good").header("Content-Type", "application/json")
                .method(method, body).build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body().isBlank() ? ApiServer.MAPPER.createObjectNode()
                : ApiServer.MAPPER.readTree(response.body()));
    }

    private static Response post(String path, String json) throws Exception {
        return send("POST", path, HttpRequest.BodyPublishers.ofString(json));
    }

    @Test
    void aGoodBodyIsRead() throws Exception {
        Response created = post("/api/things", "{\"name\": \"web1\", \"size\": 3, \"enabled\": true, \"tags\": [\"a\"]}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().get("name").asText()).isEqualTo("web1");
        assertThat(post("/api/things/optional", "").body().asText()).isEqualTo("none");
    }

    @Test
    void aNullBodyIsRefusedWhereverABodyIsRead() throws Exception {
        for (String path : List.of("/api/things", "/api/things/optional", "/api/tree")) {
            Response refused = post(path, "null");
            assertThat(refused.status()).as(path).isEqualTo(400);
            assertThat(refused.error()).isEqualTo("MALFORMED_REQUEST");
            assertThat(refused.message()).contains("must be a JSON object").contains("not null");
        }
        assertThat(post("/api/tree", "[1]").message()).contains("not array");
        assertThat(post("/api/tree", "\"text\"").message()).contains("not string");
    }

    @Test
    void aRouteThatReadsNoBodyRefusesOneInsteadOfIgnoringIt() throws Exception {
        assertThat(post("/api/action", "").status()).isEqualTo(202);
        assertThat(post("/api/action", " { } ").status()).isEqualTo(202);
        for (String body : List.of("null", "{\"force\": true}", "[]", "{\"x\":")) {
            Response refused = post("/api/action", body);
            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(refused.error()).isEqualTo("MALFORMED_REQUEST");
            assertThat(refused.message()).isEqualTo("POST /api/action takes no request body; send none");
        }
    }

    @Test
    void theOpenApiDocumentDescribesEachBodyWithItsJsonTypes() throws Exception {
        JsonNode paths = send("GET", "/api/openapi.json", HttpRequest.BodyPublishers.noBody()).body().get("paths");
        JsonNode body = paths.get("/api/things").get("post").get("requestBody");
        assertThat(body.get("required").asBoolean()).isTrue();
        JsonNode schema = body.get("content").get("application/json").get("schema");
        assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
        JsonNode properties = schema.get("properties");
        assertThat(properties.get("name").get("type").asText()).isEqualTo("string");
        assertThat(properties.get("size").get("type").asText()).isEqualTo("integer");
        assertThat(properties.get("enabled").get("type").asText()).isEqualTo("boolean");
        assertThat(properties.get("tags").get("items").get("type").asText()).isEqualTo("string");
        assertThat(paths.get("/api/things/optional").get("post").get("requestBody").get("required").asBoolean()).isFalse();
        assertThat(paths.get("/api/action").get("post").has("requestBody")).isFalse();
    }

    @Test
    void aValueOfTheWrongJsonTypeIsRefusedWithItsField() throws Exception {
        Map<String, String> refusals = Map.ofEntries(
                Map.entry("{\"name\": 12345}", "name"),
                Map.entry("{\"name\": true}", "name"),
                Map.entry("{\"name\": 1.5}", "name"),
                Map.entry("{\"size\": \"12\"}", "size"),
                Map.entry("{\"size\": 1.5}", "size"),
                Map.entry("{\"enabled\": 1}", "enabled"),
                Map.entry("{\"enabled\": \"true\"}", "enabled"),
                Map.entry("{\"tags\": [7]}", "tags[0]"),
                Map.entry("{\"tags\": [\"a\", null]}", "tags[1]"),
                Map.entry("{\"tags\": \"a\"}", "tags"),
                Map.entry("{\"size\": 99999999999999999999}", "size"));
        for (var refusal : refusals.entrySet()) {
            Response response = post("/api/things", refusal.getKey());
            assertThat(response.status()).as(refusal.getKey()).isEqualTo(400);
            assertThat(response.error()).as(refusal.getKey()).isEqualTo("INVALID_FIELD");
            assertThat(response.field()).as(refusal.getKey()).isEqualTo(refusal.getValue());
            assertThat(response.message()).as(refusal.getKey()).contains("'" + refusal.getValue() + "'");
        }
        assertThat(post("/api/things", "{\"name\": 12345}").message()).isEqualTo("The field 'name' must be a string (not 12345)");
    }

    @Test
    void truncatedJsonAndNulCharactersAreRefused() throws Exception {
        Response truncated = post("/api/things", "{\"name\": \"we");
        assertThat(truncated.status()).isEqualTo(400);
        assertThat(truncated.error()).isEqualTo("MALFORMED_REQUEST");
        assertThat(truncated.message()).contains("not valid JSON");

        Response nul = post("/api/tree", "{\"deep\": {\"list\": [\"ok\", \"a\\u0000b\"]}}");
        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.field()).isEqualTo("deep.list[1]");
        Response nulInQuery = send("GET", "/api/search?search=memory%3D1%00", HttpRequest.BodyPublishers.noBody());
        assertThat(nulInQuery.status()).isEqualTo(400);
        assertThat(nulInQuery.field()).isEqualTo("search");
        HttpResponse<String> nulInForm = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/form"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=ad%00min")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(nulInForm.statusCode()).isEqualTo(400);
        assertThat(nulInForm.body()).contains("username");
    }

    @Test
    void aSearchWithoutAnOperatorIsA400() throws Exception {
        Response response = send("GET", "/api/search?search=memory!5", HttpRequest.BodyPublishers.noBody());
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.error()).isEqualTo("INVALID_SEARCH");
        assertThat(response.message()).contains("memory!5").contains("no operator");
    }

    @Test
    void aFailureThatIsNotTheClientsShowsAReferenceAndNoExceptionText() throws Exception {
        Response failed = send("GET", "/api/broken", HttpRequest.BodyPublishers.noBody());
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.error()).isEqualTo("INTERNAL_ERROR");
        assertThat(failed.body().toString()).doesNotContain("relation").doesNotContain("IllegalState").doesNotContain("42");
        String reference = failed.body().path("details").path("reference").asText();
        assertThat(reference).matches("[0-9a-f]{12}");
        assertThat(failed.message()).contains("reference " + reference);
        assertThat(send("GET", "/api/broken", HttpRequest.BodyPublishers.noBody()).body().path("details").path("reference")
                .asText()).isNotEqualTo(reference);
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413() throws Exception {
        String large = "{\"name\": \"" + "x".repeat(ApiServer.MAX_BODY_BYTES) + "\"}";
        Response declared = post("/api/things", large);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.error()).isEqualTo("REQUEST_TOO_LARGE");
        assertThat(declared.message()).contains("1048576 bytes");
        // the same without a Content-Length (chunked): refused while it is read
        Response chunked = send("POST", "/api/things", HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(large.getBytes(StandardCharsets.UTF_8))));
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(chunked.error()).isEqualTo("REQUEST_TOO_LARGE");
        // just under the limit is read (and refused for what it says, not for its size)
        String justUnder = "{\"name\": \"" + "x".repeat(ApiServer.MAX_BODY_BYTES - 20) + "\"}";
        assertThat(post("/api/things", justUnder).status()).isEqualTo(201);
    }

    @Test
    void aUriTooLongIsAJsonRefusalThatClosesTheConnection() throws Exception {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/things/" + "x".repeat(64 * 1024))).header("Authorization", "Bearer good").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(414);
        assertThat(refused.headers().firstValue("Connection")).hasValue("close");
        assertThat(ApiServer.MAPPER.readTree(refused.body()).get("error").asText()).isEqualTo("REQUEST_TOO_LARGE");
        // the same client goes on: it did not keep the connection the server closed
        assertThat(send("GET", "/api/search?search=memory%3D1", HttpRequest.BodyPublishers.noBody()).status()).isEqualTo(200);
    }

    @Test
    void aWebSocketMessageOverTheLimitClosesTheSession() throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        CompletableFuture<Integer> echoed = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/echo"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                        echoed.complete(data.remaining());
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendBinary(ByteBuffer.wrap(new byte[1024]), true).get(10, TimeUnit.SECONDS);
        assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo(1024);
        socket.sendBinary(ByteBuffer.wrap(new byte[ApiServer.MAX_WEBSOCKET_MESSAGE_BYTES + 1]), true);
        // 1009: message too big
        assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    }
}
