package io.vireo.engine.common;

import io.vireo.model.ErrorCode;

import java.time.Duration;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** The caller asks too often (or failed too often); it may try again after {@link #retryAfter()}. */
public final class TooManyRequestsException extends DomainException {
    private final Duration retryAfter;

    public TooManyRequestsException(ErrorCode code, String message, Duration retryAfter) {
        super(code, message, Map.of("retryAfterSeconds", seconds(retryAfter)));
        this.retryAfter = requireNonNull(retryAfter, "retryAfter");
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds, rounded up and at least one, as an HTTP Retry-After header carries them. */
    public static long seconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
