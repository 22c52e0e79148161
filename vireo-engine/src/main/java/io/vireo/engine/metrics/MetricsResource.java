package io.vireo.engine.metrics;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.common.UnauthenticatedException;
import io.vireo.model.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * /metrics, the Prometheus page, for a scraper that presents the metrics token as a bearer token
 * (Prometheus: {@code authorization: {credentials_file: ...}}). The page tells how many hosts and
 * VMs there are and how the API is used, so it is not for anyone who can reach the port; the
 * token is not a user's and opens nothing else.
 */
public final class MetricsResource implements Consumer<RouteTable> {
    private final PrometheusMeterRegistry registry;
    private final byte[] token;

    public MetricsResource(PrometheusMeterRegistry registry, MetricsToken token) {
        this.registry = requireNonNull(registry, "registry");
        this.token = requireNonNull(token, "token").value().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void accept(RouteTable routes) {
        routes.raw().get("/metrics", this::scrape);
    }

    private void scrape(Context ctx) {
        String header = ctx.header("Authorization");
        byte[] presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        // compared in constant time: how long a wrong guess takes tells nothing of the token
        if (!MessageDigest.isEqual(presented, token)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new UnauthenticatedException(ErrorCode.UNAUTHORIZED, header == null
                    ? "/metrics needs the metrics token as a bearer token (the engine's --metrics-token-file)"
                    : "The bearer token is not the metrics token");
        }
        ctx.contentType("text/plain; version=0.0.4").result(registry.scrape());
    }
}
