package io.vireo.model;

import java.util.Map;

/** The body of every error answer: {@code {"error": CODE, "message": "...", "details": {}}}. */
public record ApiError(String error, String message, Map<String, Object> details) {
    public ApiError {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
