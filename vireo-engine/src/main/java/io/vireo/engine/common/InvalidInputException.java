package io.vireo.engine.common;

import io.vireo.model.ErrorCode;

import java.util.Map;

/** The request itself is wrong: a missing, malformed or out-of-range field or parameter. */
public final class InvalidInputException extends DomainException {
    public InvalidInputException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public InvalidInputException(ErrorCode code, String message, Map<String, Object> details) {
        super(code, message, details);
    }

    public static InvalidInputException invalid(String field, String message) {
        return new InvalidInputException(ErrorCode.INVALID_FIELD, message, Map.of("field", field));
    }

    public static InvalidInputException missing(String field) {
        return new InvalidInputException(ErrorCode.MISSING_FIELD, "The field '" + field + "' is required",
                Map.of("field", field));
    }
}
