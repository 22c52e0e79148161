package io.vireo.engine.api;

import io.vireo.model.ErrorCode;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** A refusal that reaches the client as {@code {"error", "message", "details"}} with the code's HTTP status. */
public class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, Object> details;

    public ApiException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public ApiException(ErrorCode code, String message, Map<String, Object> details) {
        super(requireNonNull(message, "message"));
        this.code = requireNonNull(code, "code");
        this.details = Map.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    public static ApiException notFound(ErrorCode code, String kind, Object id) {
        return new ApiException(code, "No " + kind + " with id " + id + " exists", Map.of("id", String.valueOf(id)));
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(ErrorCode.INVALID_FIELD, message, Map.of("field", field));
    }

    public static ApiException missing(String field) {
        return new ApiException(ErrorCode.MISSING_FIELD, "The field '" + field + "' is required", Map.of("field", field));
    }
}
