package io.vireo.engine.common;

import io.vireo.model.ErrorCode;

import java.util.Map;

/** The caller sees the object but may not do this to it. */
public final class ForbiddenException extends DomainException {
    public ForbiddenException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public ForbiddenException(ErrorCode code, String message, Map<String, Object> details) {
        super(code, message, details);
    }
}
