package io.vireo.engine.common;

import io.vireo.model.ErrorCode;

import java.util.Map;

/** A host or agent that the request needs could not do its part (unreachable, or it failed). */
public final class UnavailableException extends DomainException {
    public UnavailableException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public UnavailableException(ErrorCode code, String message, Map<String, Object> details) {
        super(code, message, details);
    }
}
