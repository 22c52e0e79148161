package io.vireo.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.model.ErrorCode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Registers the API's routes and remembers each one, so the OpenAPI document is made from the
 * same table the server routes with and cannot drift from it. A route says which body it reads
 * (a record, required or optional); a route that reads none refuses a body other than nothing or
 * {@code {}}, so that a mistaken or hostile body is never silently ignored by an action.
 */
public final class RouteTable {
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([a-zA-Z]+)}");
    private static final Pattern NOTHING = Pattern.compile("\\s*(\\{\\s*}\\s*)?");

    private final RoutesConfig routes;
    private final List<Route> table;
    private final Map<String, ErrorShape> errorShapes;
    private final Handler authenticator;
    private final boolean tokenRequired;

    /**
     * @param authenticator resolves the request's bearer token (or refuses it) for the routes added through
     *     {@link #authenticated()} outside /api, which the server's own filter already covers
     */
    public RouteTable(RoutesConfig routes, Handler authenticator) {
        this(routes, new ArrayList<>(), new LinkedHashMap<>(), authenticator, false);
    }

    private RouteTable(RoutesConfig routes, List<Route> table, Map<String, ErrorShape> errorShapes, Handler authenticator,
                       boolean tokenRequired) {
        this.routes = requireNonNull(routes, "routes");
        this.table = table;
        this.errorShapes = errorShapes;
        this.authenticator = requireNonNull(authenticator, "authenticator");
        this.tokenRequired = tokenRequired;
    }

    /**
     * The same table, for routes that need a bearer token (given as {@code Authorization: Bearer} or
     * {@code X-Auth-Token}) although they are not under /api: the token is checked before the handler runs,
     * as for /api, and {@link ApiServer#principal} answers its user.
     */
    public RouteTable authenticated() {
        return new RouteTable(routes, table, errorShapes, authenticator, true);
    }

    /**
     * The shape of every error answered under {@code pathPrefix} (the prefix itself and what is below it),
     * for routes that serve another protocol's clients.
     */
    public void errorShape(String pathPrefix, ErrorShape shape) {
        if (!pathPrefix.startsWith("/") || pathPrefix.endsWith("/") || pathPrefix.startsWith("/api")) {
            throw new IllegalArgumentException("an error shape needs a path prefix like /identity outside /api, not " + pathPrefix);
        }
        errorShapes.put(pathPrefix, requireNonNull(shape, "shape"));
    }

    /** The error shape of the path, if a resource registered one for it. */
    Optional<ErrorShape> errorShapeFor(String path) {
        return errorShapes.entrySet().stream()
                .filter(entry -> path.equals(entry.getKey()) || path.startsWith(entry.getKey() + "/"))
                .map(Map.Entry::getValue).findFirst();
    }

    public record Route(String method, String path, String summary, int successStatus, boolean authenticated,
                        Optional<RequestBody> body) {
    }

    /** The JSON object a route reads (with {@link ApiServer#body} or {@link ApiServer#optionalBody}). */
    public record RequestBody(Class<?> type, boolean required) {
        public static RequestBody of(Class<?> type) {
            return new RequestBody(type, true);
        }

        public static RequestBody optional(Class<?> type) {
            return new RequestBody(type, false);
        }
    }

    public void get(String path, String summary, Handler handler) {
        add("get", path, summary, 200, Optional.empty(), handler);
    }

    /** A GET that answers another status than 200 when it succeeds (300 for a list of API versions). */
    public void get(String path, String summary, int successStatus, Handler handler) {
        add("get", path, summary, successStatus, Optional.empty(), handler);
    }

    /** A POST that reads no body. */
    public void post(String path, String summary, int successStatus, Handler handler) {
        add("post", path, summary, successStatus, Optional.empty(), handler);
    }

    public void post(String path, String summary, int successStatus, RequestBody body, Handler handler) {
        add("post", path, summary, successStatus, Optional.of(body), handler);
    }

    public void put(String path, String summary, RequestBody body, Handler handler) {
        add("put", path, summary, 200, Optional.of(body), handler);
    }

    public void delete(String path, String summary, int successStatus, Handler handler) {
        add("delete", path, summary, successStatus, Optional.empty(), handler);
    }

    private void add(String method, String path, String summary, int successStatus, Optional<RequestBody> body,
                     Handler handler) {
        boolean underApi = path.startsWith("/api");
        table.add(new Route(method, path, summary, successStatus, underApi || tokenRequired, body));
        Handler checked = body.isPresent() ? handler : refusingBodies(method, path, handler);
        Handler guarded = tokenRequired && !underApi ? ctx -> {
            authenticator.handle(ctx);
            checked.handle(ctx);
        } : checked;
        switch (method) {
            case "get" -> routes.get(path, guarded);
            case "post" -> routes.post(path, guarded);
            case "delete" -> routes.delete(path, guarded);
            case "put" -> routes.put(path, guarded);
            default -> throw new IllegalArgumentException(method);
        }
    }

    private static Handler refusingBodies(String method, String path, Handler handler) {
        String route = method.toUpperCase(java.util.Locale.ROOT) + " " + path;
        return ctx -> {
            if (!NOTHING.matcher(ctx.body()).matches()) {
                throw new InvalidInputException(ErrorCode.MALFORMED_REQUEST, route + " takes no request body; send none");
            }
            handler.handle(ctx);
        };
    }

    /** Javalin's own routing, for what the table does not describe (WebSocket endpoints). */
    public RoutesConfig raw() {
        return routes;
    }

    public List<Route> routes() {
        return List.copyOf(table);
    }

    /** The OpenAPI 3.0 document of every route in the table. */
    public ObjectNode openApi(ObjectMapper mapper, String version) {
        ObjectNode document = mapper.createObjectNode().put("openapi", "3.0.3");
        document.putObject("info").put("title", "Vireo API").put("version", version)
                .put("description", "Hosts, VMs, storage, jobs and events of a Vireo engine. Errors answer "
                        + "{\"error\": CODE, \"message\": sentence, \"details\": {}}.");
        ObjectNode schemes = document.putObject("components").putObject("securitySchemes");
        schemes.putObject("bearer").put("type", "http").put("scheme", "bearer");
        ObjectNode paths = document.putObject("paths");
        for (Route route : table) {
            String openApiPath = route.path();
            ObjectNode pathItem = paths.has(openApiPath) ? (ObjectNode) paths.get(openApiPath) : paths.putObject(openApiPath);
            ObjectNode operation = pathItem.putObject(route.method());
            operation.put("summary", route.summary());
            var parameters = operation.putArray("parameters");
            Matcher matcher = PATH_PARAMETER.matcher(route.path());
            while (matcher.find()) {
                parameters.addObject().put("name", matcher.group(1)).put("in", "path").put("required", true)
                        .putObject("schema").put("type", "string");
            }
            if (route.authenticated()) {
                operation.putArray("security").addObject().putArray("bearer");
            }
            route.body().ifPresent(body -> operation.putObject("requestBody").put("required", body.required())
                    .putObject("content").putObject("application/json").set("schema", schema(mapper, body.type())));
            ObjectNode responses = operation.putObject("responses");
            responses.putObject(String.valueOf(route.successStatus())).put("description", "success");
            responses.putObject("4XX").put("description", "refused: see the error code and message");
        }
        return document;
    }

    /** The JSON schema of a request record: its components, each with its JSON type; nothing else is accepted. */
    static ObjectNode schema(ObjectMapper mapper, Type type) {
        ObjectNode schema = mapper.createObjectNode();
        Class<?> raw = type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : (Class<?>) type;
        if (raw == String.class) {
            schema.put("type", "string");
        } else if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            schema.put("type", "integer");
        } else if (raw == Double.class || raw == double.class) {
            schema.put("type", "number");
        } else if (raw == Boolean.class || raw == boolean.class) {
            schema.put("type", "boolean");
        } else if (raw.isEnum()) {
            schema.put("type", "string");
            var values = schema.putArray("enum");
            for (Object constant : raw.getEnumConstants()) {
                values.add(((Enum<?>) constant).name());
            }
        } else if (List.class.isAssignableFrom(raw) && type instanceof ParameterizedType parameterized) {
            schema.put("type", "array").set("items", schema(mapper, parameterized.getActualTypeArguments()[0]));
        } else if (raw.isRecord()) {
            schema.put("type", "object").put("additionalProperties", false);
            ObjectNode properties = schema.putObject("properties");
            for (RecordComponent component : raw.getRecordComponents()) {
                properties.set(component.getName(), schema(mapper, component.getGenericType()));
            }
        } else if (JsonNode.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)) {
            schema.put("type", "object");
        } else {
            throw new IllegalArgumentException("no JSON schema for " + type);
        }
        return schema;
    }
}
