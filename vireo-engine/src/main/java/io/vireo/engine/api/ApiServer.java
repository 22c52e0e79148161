package io.vireo.engine.api;

import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.UnauthenticatedException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The HTTP server of the engine, over HTTPS unless the administrator asked for plain HTTP: /api
 * (bearer token required), /sso/oauth/token, the enrollment endpoint, /metrics, and the two portals'
 * static pages (/portal, /admin). Every refusal is a JSON error with a code and a sentence.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    public static final ObjectMapper MAPPER = Json.strictMapper();
    private static final String USER_ATTRIBUTE = "vireo.user";
    private static final String PRINCIPAL_ATTRIBUTE = "vireo.principal";
    private static final String TIMER_ATTRIBUTE = "vireo.timer";

    private final String host;
    private final int port;
    private final Authenticator auth;
    private final PrometheusMeterRegistry metrics;
    private final List<Consumer<RouteTable>> resources;
    private final String version;
    private final Optional<Tls> tls;
    private Javalin app;

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
            WebPortals.serve(config.staticFiles);
            config.routes.before(ctx -> ctx.attribute(TIMER_ATTRIBUTE, Timer.start(metrics)));
            config.routes.before("/api/*", this::authenticate);
            config.routes.before("/api", this::authenticate);
            config.routes.after(this::recordLatency);
            RouteTable table = new RouteTable(config.routes);
            resources.forEach(resource -> resource.accept(table));
            config.routes.get("/api/openapi.json", ctx -> ctx.json(table.openApi(MAPPER, version)));
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
            config.routes.exception(DomainException.class, (e, ctx) -> {
                if (e instanceof TooManyRequestsException tooMany) {
                    ctx.header("Retry-After", String.valueOf(TooManyRequestsException.seconds(tooMany.retryAfter())));
                }
                error(ctx, status(e), new ApiError(e.code().name(), e.getMessage(), e.details()));
            });
            config.routes.exception(JacksonJsonMapper.RequestBodyException.class, (e, ctx) ->
                    error(ctx, 400, ErrorTranslator.fromBody(e)));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                    new ApiError(e.getStatus() == 404 ? ErrorCode.NOT_FOUND.name() : ErrorCode.MALFORMED_REQUEST.name(),
                            e.getMessage(), Map.of())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Request {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, new ApiError(ErrorCode.INTERNAL_ERROR.name(), "The engine failed to handle this request: "
                        + e.getMessage(), Map.of()));
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
                    ctx.json(new ApiError(ErrorCode.NOT_FOUND.name(), "No such resource: " + ctx.method() + " " + ctx.path(),
                            Map.of()));
                }
            });
            config.routes.error(405, ctx -> ctx.json(new ApiError(ErrorCode.MALFORMED_REQUEST.name(),
                    ctx.method() + " is not allowed on " + ctx.path(), Map.of())));
        });
        app.start();
        log.info("API listens on {}://{}:{}/api", tls.isPresent() ? "https" : "http", host, port());
    }

    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    private void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        Optional<Principal> user = Optional.empty();
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            user = auth.principalForToken(header.substring(7).trim());
        }
        if (user.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new UnauthenticatedException(ErrorCode.UNAUTHORIZED, header == null
                    ? "This endpoint needs a bearer token: get one from POST /sso/oauth/token"
                    : "The bearer token is not valid or has expired; log in again");
        }
        ctx.attribute(USER_ATTRIBUTE, user.get().name());
        ctx.attribute(PRINCIPAL_ATTRIBUTE, user.get());
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
            throw new IllegalStateException("no principal: " + ctx.path() + " is not under /api");
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

    private static void error(Context ctx, int status, ApiError error) {
        ctx.status(status).json(error);
    }

    /** Reads a JSON body into a record, or fails with a 400 that says what is wrong. */
    public static <T> T body(Context ctx, Class<T> type) {
        String text = ctx.body();
        if (text.isBlank()) {
            throw new InvalidInputException(ErrorCode.MALFORMED_REQUEST, "The request needs a JSON body");
        }
        return ctx.bodyAsClass(type);
    }

    /** Like {@link #body} but an empty body is fine and gives null. */
    public static <T> T optionalBody(Context ctx, Class<T> type) {
        return ctx.body().isBlank() ? null : ctx.bodyAsClass(type);
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }
}
