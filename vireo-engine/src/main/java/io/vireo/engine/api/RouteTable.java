package io.vireo.engine.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Registers the API's routes and remembers each one, so the OpenAPI document is made from the
 * same table the server routes with and cannot drift from it.
 */
public final class RouteTable {
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([a-zA-Z]+)}");

    private final RoutesConfig routes;
    private final List<Route> table = new ArrayList<>();

    public RouteTable(RoutesConfig routes) {
        this.routes = requireNonNull(routes, "routes");
    }

    public record Route(String method, String path, String summary, int successStatus, boolean authenticated) {
    }

    public void get(String path, String summary, Handler handler) {
        add("get", path, summary, 200, handler);
    }

    public void post(String path, String summary, int successStatus, Handler handler) {
        add("post", path, summary, successStatus, handler);
    }

    public void put(String path, String summary, Handler handler) {
        add("put", path, summary, 200, handler);
    }

    public void delete(String path, String summary, int successStatus, Handler handler) {
        add("delete", path, summary, successStatus, handler);
    }

    private void add(String method, String path, String summary, int successStatus, Handler handler) {
        table.add(new Route(method, path, summary, successStatus, path.startsWith("/api")));
        switch (method) {
            case "get" -> routes.get(path, handler);
            case "post" -> routes.post(path, handler);
            case "delete" -> routes.delete(path, handler);
            case "put" -> routes.put(path, handler);
            default -> throw new IllegalArgumentException(method);
        }
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
            ObjectNode responses = operation.putObject("responses");
            responses.putObject(String.valueOf(route.successStatus())).put("description", "success");
            responses.putObject("4XX").put("description", "refused: see the error code and message");
        }
        return document;
    }
}
