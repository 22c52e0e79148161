package io.vireo.engine.common;

import io.vireo.model.ErrorCode;

import java.util.Map;

/** An object the caller named does not exist (or may not be seen by it, which must look the same). */
public final class NotFoundException extends DomainException {
    public NotFoundException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public NotFoundException(ErrorCode code, String message, Map<String, Object> details) {
        super(code, message, details);
    }

    /** "No VM with id X exists", with the id in the details. */
    public static NotFoundException of(ErrorCode code, String kind, Object id) {
        return new NotFoundException(code, "No " + kind + " with id " + id + " exists", Map.of("id", String.valueOf(id)));
    }
}
