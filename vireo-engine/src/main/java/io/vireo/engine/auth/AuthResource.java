package io.vireo.engine.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.model.ErrorCode;
import io.vireo.engine.api.RouteTable.RequestBody;

import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Log in (OAuth 2.0 password grant) and log out (RFC 7009 token revocation): the ways in and out that
 * need no bearer token (host enrollment is the other, in hosts). Both take a form or a JSON body.
 */
public final class AuthResource implements Consumer<RouteTable> {
    private final AuthService auth;

    public AuthResource(AuthService auth) {
        this.auth = requireNonNull(auth, "auth");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.post("/sso/oauth/token", "Log in with grant_type=password, username and password; answers a bearer token. "
                + "429 with Retry-After when the client address asks too often or failed too often", 200, RequestBody.of(JsonNode.class), this::token);
        routes.post("/sso/oauth/revoke", "Log out: revoke the bearer token given as token=... (RFC 7009); 200 whether "
                + "or not the token was valid", 200, RequestBody.of(JsonNode.class), this::revoke);
    }

    private void token(Context ctx) {
        if (isJson(ctx)) {
            JsonNode body = ApiServer.body(ctx, JsonNode.class);
            ctx.json(auth.login(text(body, "grant_type"), text(body, "username"), text(body, "password"), ctx.ip()));
        } else {
            ctx.json(auth.login(ctx.formParam("grant_type"), ctx.formParam("username"), ctx.formParam("password"), ctx.ip()));
        }
    }

    private void revoke(Context ctx) {
        auth.revoke(isJson(ctx) ? text(ApiServer.body(ctx, JsonNode.class), "token") : ctx.formParam("token"));
        ctx.status(200);
    }

    /** A string field of a JSON body; null when absent, refused when it is not a string. */
    private static String text(JsonNode body, String field) {
        if (body == null || !body.isObject()) {
            throw new InvalidInputException(ErrorCode.MALFORMED_REQUEST, "The body must be a JSON object");
        }
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw InvalidInputException.invalid(field, "The " + field + " must be a string");
        }
        return value.asText();
    }

    private static boolean isJson(Context ctx) {
        String contentType = ctx.contentType() == null ? "" : ctx.contentType();
        return contentType.startsWith("application/json");
    }
}
