package io.vireo.engine.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.vireo.model.ApiError;
import io.vireo.model.ErrorCode;

import java.util.Map;
import java.util.stream.Collectors;

/** Turns Jackson's complaints about a request body into errors a person can act on. */
final class ErrorTranslator {
    private ErrorTranslator() {
    }

    static ApiError fromBody(JacksonJsonMapper.RequestBodyException exception) {
        var cause = exception.jsonCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return new ApiError(ErrorCode.UNKNOWN_FIELD.name(), "The field '" + unknown.getPropertyName()
                    + "' is not known here; known fields: " + known, Map.of("field", unknown.getPropertyName()));
        }
        if (cause instanceof JsonParseException) {
            return new ApiError(ErrorCode.MALFORMED_REQUEST.name(), "The request body is not valid JSON: "
                    + cause.getOriginalMessage(), Map.of());
        }
        if (cause instanceof MismatchedInputException mismatch) {
            String field = path(mismatch);
            if (field.isEmpty()) {
                return new ApiError(ErrorCode.MALFORMED_REQUEST.name(),
                        "The request body must be a JSON object with the fields of this resource", Map.of());
            }
            if (mismatch instanceof InvalidNullException) {
                return new ApiError(ErrorCode.INVALID_FIELD.name(), "The field '" + field + "' must not be null",
                        Map.of("field", field));
            }
            String expected = mismatch.getTargetType() == null ? "another type" : typeName(mismatch.getTargetType());
            String given = mismatch instanceof InvalidFormatException format ? " (not " + abbreviate(String.valueOf(format.getValue()))
                    + ")" : "";
            return new ApiError(ErrorCode.INVALID_FIELD.name(), "The field '" + field + "' must be " + expected + given,
                    Map.of("field", field));
        }
        if (cause instanceof JsonMappingException mapping && !path(mapping).isEmpty()) {
            // e.g. a number too large for its field, reported by the parser and given its place by the mapper
            String field = path(mapping);
            var reason = mapping.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException inner
                    ? inner.getOriginalMessage() : mapping.getOriginalMessage();
            return new ApiError(ErrorCode.INVALID_FIELD.name(), "The field '" + field + "' cannot be read: "
                    + abbreviate(String.valueOf(reason)), Map.of("field", field));
        }
        return new ApiError(ErrorCode.MALFORMED_REQUEST.name(), "The request body cannot be read: "
                + abbreviate(String.valueOf(cause.getOriginalMessage())), Map.of());
    }

    /** The field as a person writes it: {@code migrationPolicy.downtimeStepsMs[2]}. */
    private static String path(JsonMappingException exception) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : exception.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
