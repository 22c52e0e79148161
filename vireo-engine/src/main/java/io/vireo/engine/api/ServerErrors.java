package io.vireo.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vireo.model.ApiError;
import io.vireo.model.ErrorCode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The answers Jetty gives itself, before a request reaches the API (a URI or headers too long, a
 * request it cannot parse): the API's JSON error instead of an HTML page, and "Connection: close",
 * since Jetty closes the connection after such an answer and a client that reused it would find it
 * dead.
 */
final class ServerErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        ApiError error = switch (code) {
            case 414 -> new ApiError(ErrorCode.REQUEST_TOO_LARGE.name(), "The request's URI is longer than the engine accepts",
                    Map.of());
            case 431 -> new ApiError(ErrorCode.REQUEST_TOO_LARGE.name(), "The request's headers are larger than the engine "
                    + "accepts", Map.of());
            case 413 -> new ApiError(ErrorCode.REQUEST_TOO_LARGE.name(), "The request is larger than the engine accepts", Map.of());
            default -> code >= 500
                    ? new ApiError(ErrorCode.INTERNAL_ERROR.name(), "The engine failed to handle this request", Map.of())
                    : new ApiError(ErrorCode.MALFORMED_REQUEST.name(), "The request is not valid HTTP (status " + code + ")",
                    Map.of());
        };
        byte[] body;
        try {
            body = ApiServer.MAPPER.writeValueAsBytes(error);
        } catch (JsonProcessingException e) {
            body = ("{\"error\":\"" + error.error() + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (code < 500) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
