package io.vireo.engine.common;

import io.vireo.model.ErrorCode;

import java.util.Map;

/** The request is well formed but the state of the system does not allow it now (a VM that runs, a name taken). */
public final class ConflictException extends DomainException {
    public ConflictException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public ConflictException(ErrorCode code, String message, Map<String, Object> details) {
        super(code, message, details);
    }
}
