package io.vireo.engine.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;

import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** Log in (OAuth 2.0 password grant): the way in that needs no bearer token (host enrollment is the other, in hosts). */
public final class AuthResource implements Consumer<RouteTable> {
    private final AuthService auth;

    public AuthResource(AuthService auth) {
        this.auth = requireNonNull(auth, "auth");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.post("/sso/oauth/token", "Log in with grant_type=password, username and password; answers a bearer token",
                200, RequestBody.of(JsonNode.class), this::token);
    }

    private void token(Context ctx) {
        String contentType = ctx.contentType() == null ? "" : ctx.contentType();
        if (contentType.startsWith("application/json")) {
            JsonNode body = ApiServer.body(ctx, JsonNode.class);
            ctx.json(auth.login(body.path("grant_type").asText(null), body.path("username").asText(null),
                    body.path("password").asText(null)));
        } else {
            ctx.json(auth.login(ctx.formParam("grant_type"), ctx.formParam("username"), ctx.formParam("password")));
        }
    }
}
