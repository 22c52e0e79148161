package io.vireo.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.ForbiddenException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.UnauthenticatedException;
import io.vireo.engine.common.TooManyRequestsException;
import io.vireo.engine.common.UnavailableException;
import io.vireo.model.ApiError;
import io.vireo.model.ErrorCode;
import io.vireo.model.Json;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The HTTP server of the engine, over HTTPS unless the administrator asked for plain HTTP: /api (bearer token required), /sso/oauth/token, the enrollment
 * endpoint, what the resources add (/metrics, the console), and the two portals' static pages (/portal, /admin). Every refusal is a JSON error with a code and a sentence.
 * <p>
 * Limits: a request body of at most {@link #MAX_BODY_BYTES} (413 REQUEST_TOO_LARGE beyond, checked on the
 * Content-Length before anything else and again while reading a body without one); a body that is JSON
 * must be an object of the resource's fields, each of its JSON type; WebSocket messages (the console)
 * of at most {@link #MAX_WEBSOCKET_MESSAGE_BYTES}. A failure that is not the client's is logged with a
 * reference and answered with that reference only, never the exception's text.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    public static final ObjectMapper MAPPER = Json.strictMapper();
    private static final String USER_ATTRIBUTE = "vireo.user";
    private static final String PRINCIPAL_ATTRIBUTE = "vireo.principal";
    private static final String TIMER_ATTRIBUTE = "vireo.timer";
    /** The largest request body read: 1 MiB. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /**
     * How much of a body over the limit is read and thrown away before the 413 is answered, so that a
     * client still sending reads the answer instead of a reset connection; past it the connection closes.
     */
    private static final long DRAIN_BYTES = 16L << 20;
    /** The largest WebSocket message or frame a client may send (the console sends keys and pointer moves). */
    public static final int MAX_WEBSOCKET_MESSAGE_BYTES = 64 * 1024;
    private static final SecureRandom REFERENCES = new SecureRandom();

    private final String host;
    private final int port;
    private final Authenticator auth;
    private final PrometheusMeterRegistry metrics;
    private final List<Consumer<RouteTable>> resources;
    private final String version;
    private final Optional<Tls> tls;
    private Javalin app;
    private RouteTable routeTable;

    /** The server's certificate and key for HTTPS. */
    public record Tls(KeyStore keyStore, char[] password) {
        public Tls {
            requireNonNull(keyStore, "keyStore");
            requireNonNull(password, "password");
        }
    }

    /** @param tls the certificate to serve HTTPS with; empty for plain HTTP (only when the administrator asked for it) */
    public ApiServer(String host, int port, Authenticator auth, PrometheusMeterRegistry metrics,
                     List<Consumer<RouteTable>> resources, String version, Optional<Tls> tls) {
        this.tls = requireNonNull(tls, "tls");
        this.host = requireNonNull(host, "host");
        this.port = port;
        this.auth = requireNonNull(auth, "auth");
        this.metrics = requireNonNull(metrics, "metrics");
        this.resources = List.copyOf(resources);
        this.version = requireNonNull(version, "version");
    }

    public void start() {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.concurrency.useVirtualThreads = true;
            config.jsonMapper(new JacksonJsonMapper(MAPPER));
            config.jetty.host = host;
            config.jetty.port = port;
            tls.ifPresent(identity -> config.jetty.modifyServer(server -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(identity.keyStore());
                ssl.setKeyStorePassword(new String(identity.password()));
                HttpConfiguration https = new HttpConfiguration();
                // the SNI check would refuse clients that reach the engine by an address the certificate does not name
                // (the administrator's choice, e.g. behind a load balancer); clients check the name themselves
                https.addCustomizer(new SecureRequestCustomizer(false));
                ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                        new HttpConnectionFactory(https));
                connector.setHost(host);
                connector.setPort(port);
                server.setConnectors(new Connector[]{connector});
            }));
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.jetty.modifyServer(server -> server.setErrorHandler(new ServerErrors()));
            config.jetty.modifyWebSocketServletFactory(factory -> {
                factory.setMaxBinaryMessageSize(MAX_WEBSOCKET_MESSAGE_BYTES);
                factory.setMaxTextMessageSize(MAX_WEBSOCKET_MESSAGE_BYTES);
                factory.setMaxFrameSize(MAX_WEBSOCKET_MESSAGE_BYTES);
            });
            WebPortals.serve(config.staticFiles);
            config.routes.before(ctx -> ctx.attribute(TIMER_ATTRIBUTE, Timer.start(metrics)));
            config.routes.before(ApiServer::refuseLargeBodies);
            config.routes.before(ApiServer::refuseNulParameters);
            config.routes.before("/api/*", this::authenticate);
            config.routes.before("/api", this::authenticate);
            config.routes.after(this::recordLatency);
            RouteTable table = new RouteTable(config.routes, this::authenticate);
            routeTable = table;
            resources.forEach(resource -> resource.accept(table));
            config.routes.get("/api/openapi.json", ctx -> ctx.json(table.openApi(MAPPER, version)));
            config.routes.exception(DomainException.class, (e, ctx) -> {
                if (e instanceof TooManyRequestsException tooMany) {
                    ctx.header("Retry-After", String.valueOf(TooManyRequestsException.seconds(tooMany.retryAfter())));
                }
                error(ctx, status(e), new ApiError(e.code().name(), e.getMessage(), e.details()));
            });
            config.routes.exception(JacksonJsonMapper.RequestBodyException.class, (e, ctx) ->
                    error(ctx, 400, ErrorTranslator.fromBody(e)));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> {
                if (e.getStatus() == HttpStatus.CONTENT_TOO_LARGE.getCode()) {
                    drain(ctx);
                }
                error(ctx, e.getStatus(), httpError(e));
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                String reference = HexFormat.of().formatHex(randomBytes());
                log.error("Request {} {} failed (reference {})", ctx.method(), ctx.path(), reference, e);
                error(ctx, 500, new ApiError(ErrorCode.INTERNAL_ERROR.name(), "The engine failed to handle this request "
                        + "(an internal error, not a mistake of the request); reference " + reference
                        + " in the engine's log", Map.of("reference", reference)));
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
                    error(ctx, 404, new ApiError(ErrorCode.NOT_FOUND.name(), "No such resource: " + ctx.method() + " "
                            + ctx.path(), Map.of()));
                }
            });
            config.routes.error(405, ctx -> error(ctx, 405, new ApiError(ErrorCode.MALFORMED_REQUEST.name(),
                    ctx.method() + " is not allowed on " + ctx.path(), Map.of())));
        });
        app.start();
        log.info("API listens on {}://{}:{}/api", tls.isPresent() ? "https" : "http", host, port());
    }

    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /**
     * Resolves the request's bearer token: {@code Authorization: Bearer <token>}, or else {@code X-Auth-Token: <token>}
     * (how OpenStack clients send the same tokens).
     */
    private void authenticate(Context ctx) {
        Optional<String> token = token(ctx);
        Optional<Principal> user = token.flatMap(auth::principalForToken);
        if (user.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new UnauthenticatedException(ErrorCode.UNAUTHORIZED, token.isEmpty()
                    ? "This endpoint needs a bearer token (Authorization: Bearer, or X-Auth-Token): get one from "
                    + "POST /sso/oauth/token"
                    : "The bearer token is not valid or has expired; log in again");
        }
        ctx.attribute(USER_ATTRIBUTE, user.get().name());
        ctx.attribute(PRINCIPAL_ATTRIBUTE, user.get());
    }

    /** The bearer token the request carries, if any: the Authorization header's first, else X-Auth-Token's. */
    public static Optional<String> token(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && !header.substring(7).isBlank()) {
            return Optional.of(header.substring(7).trim());
        }
        String openStack = ctx.header("X-Auth-Token");
        return openStack == null || openStack.isBlank() ? Optional.empty() : Optional.of(openStack.trim());
    }

    /** Who a bearer token belongs to, if anyone. */
    @FunctionalInterface
    public interface Authenticator {
        Optional<Principal> principalForToken(String token);
    }

    /** The one place where a refusal's kind becomes an HTTP status. */
    static int status(DomainException refusal) {
        return switch (refusal) {
            case InvalidInputException e -> 400;
            case UnauthenticatedException e -> 401;
            case ForbiddenException e -> 403;
            case NotFoundException e -> 404;
            case ConflictException e -> 409;
            case UnavailableException e -> 502;
            case TooManyRequestsException e -> 429;
        };
    }

    /** The name of the user behind the request. */
    public static String user(Context ctx) {
        return ctx.attribute(USER_ATTRIBUTE);
    }

    /** The user behind the request with its groups, resolved once when the request came in. */
    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL_ATTRIBUTE);
        if (principal == null) {
            throw new IllegalStateException("no principal: " + ctx.path() + " is neither under /api nor an authenticated route");
        }
        return principal;
    }

    private void recordLatency(Context ctx) {
        Timer.Sample sample = ctx.attribute(TIMER_ATTRIBUTE);
        if (sample != null) {
            // the route template, not the path: one series per endpoint, whatever the ids
            var matched = ctx.endpoints().lastHttpEndpoint();
            String route = matched == null ? "unmatched" : matched.path;
            sample.stop(metrics.timer("vireo_api_request", "method", ctx.method().name(),
                    "route", route, "status", String.valueOf(ctx.statusCode())));
        }
    }

    /** Answers an error: Vireo's shape, or the one registered for the path's prefix (another protocol's clients). */
    private void error(Context ctx, int status, ApiError error) {
        Optional<ErrorShape> shape = routeTable == null ? Optional.empty() : routeTable.errorShapeFor(ctx.path());
        ctx.status(status).json(shape.isPresent() ? shape.get().body(status, error) : error);
    }

    /** Reads a JSON object into a record, or fails with a 400 that says what is wrong. */
    public static <T> T body(Context ctx, Class<T> type) {
        String text = ctx.body();
        if (text.isBlank()) {
            throw new InvalidInputException(ErrorCode.MALFORMED_REQUEST, "The request needs a JSON body");
        }
        return object(ctx, type);
    }

    /** Like {@link #body} but an empty body is fine and gives null (JSON {@code null} is not an empty body). */
    public static <T> T optionalBody(Context ctx, Class<T> type) {
        return ctx.body().isBlank() ? null : object(ctx, type);
    }

    /**
     * The body as a JSON object, then as the record: read as a tree first, so that null, a list or a
     * bare value is refused as a whole, and a NUL character (which PostgreSQL cannot store) is refused
     * with the field it is in, whatever the record makes of it.
     */
    private static <T> T object(Context ctx, Class<T> type) {
        try {
            JsonNode tree = MAPPER.readTree(ctx.body());
            if (tree == null || !tree.isObject()) {
                throw new InvalidInputException(ErrorCode.MALFORMED_REQUEST, "The request body must be a JSON object with "
                        + "the fields of this resource, not " + (tree == null ? "nothing" : tree.getNodeType().name()
                        .toLowerCase(java.util.Locale.ROOT)));
            }
            refuseNul(tree, "");
            return MAPPER.treeToValue(tree, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new JacksonJsonMapper.RequestBodyException(e);
        }
    }

    private static void refuseNul(JsonNode node, String path) {
        if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
            throw InvalidInputException.invalid(path, "The field '" + path + "' contains a NUL character (\\u0000), "
                    + "which text may not hold");
        }
        if (node.isObject()) {
            for (var field : node.properties()) {
                String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getKey().indexOf('\0') >= 0) {
                    throw InvalidInputException.invalid(path, "A field name contains a NUL character (\\u0000)");
                }
                refuseNul(field.getValue(), name);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseNul(node.get(i), path + "[" + i + "]");
            }
        }
    }

    /** Query and form parameters: a NUL character is refused before any handler sees it. */
    private static void refuseNulParameters(Context ctx) {
        ctx.queryParamMap().forEach((name, values) -> refuseNulParameter(name, values));
        String contentType = ctx.contentType();
        if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            ctx.formParamMap().forEach((name, values) -> refuseNulParameter(name, values));
        }
    }

    private static void refuseNulParameter(String name, List<String> values) {
        if (name.indexOf('\0') >= 0 || values.stream().anyMatch(value -> value.indexOf('\0') >= 0)) {
            throw InvalidInputException.invalid(name, "The parameter '" + name.replace('\0', '?')
                    + "' contains a NUL character (%00), which text may not hold");
        }
    }

    /** A declared body larger than the limit is refused before anything reads it (or authenticates it). */
    private static void refuseLargeBodies(Context ctx) {
        if (ctx.contentLength() > MAX_BODY_BYTES) {
            throw new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE.getCode(), HttpStatus.CONTENT_TOO_LARGE.getMessage());
        }
    }

    private static void drain(Context ctx) {
        ctx.header("Connection", "close");
        if (ctx.contentLength() > DRAIN_BYTES) {
            return;
        }
        try {
            java.io.InputStream in = ctx.req().getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long left = DRAIN_BYTES;
            int read;
            while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                left -= read;
            }
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("The rest of a body over the limit could not be read: {}", e.getMessage());
        }
    }

    /** Javalin's own refusals (a body over the limit, a route that does not exist), in the API's words. */
    private static ApiError httpError(HttpResponseException e) {
        if (e.getStatus() == HttpStatus.CONTENT_TOO_LARGE.getCode()) {
            return new ApiError(ErrorCode.REQUEST_TOO_LARGE.name(), "The request body is larger than the engine "
                    + "accepts: at most " + MAX_BODY_BYTES + " bytes (1 MiB)", Map.of("maxBytes", MAX_BODY_BYTES));
        }
        return new ApiError(e.getStatus() == 404 ? ErrorCode.NOT_FOUND.name() : ErrorCode.MALFORMED_REQUEST.name(),
                e.getMessage(), Map.of());
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        REFERENCES.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }
}
