package io.vireo.engine.common;

import io.vireo.model.ErrorCode;

import java.util.Map;

/** No valid credential came with the request. */
public final class UnauthenticatedException extends DomainException {
    public UnauthenticatedException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public UnauthenticatedException(ErrorCode code, String message, Map<String, Object> details) {
        super(code, message, details);
    }
}
