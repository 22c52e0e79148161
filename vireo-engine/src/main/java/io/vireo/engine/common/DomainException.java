package io.vireo.engine.common;

import io.vireo.model.ErrorCode;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A refusal by a service, in the domain's words: a code, a sentence a person understands, and
 * details. Its subclass says what kind of refusal it is; only the HTTP edge turns that into a status.
 */
public abstract sealed class DomainException extends RuntimeException
        permits NotFoundException, ConflictException, InvalidInputException, ForbiddenException,
        UnauthenticatedException, UnavailableException, TooManyRequestsException {
    private final ErrorCode code;
    private final Map<String, Object> details;

    protected DomainException(ErrorCode code, String message, Map<String, Object> details) {
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
}
