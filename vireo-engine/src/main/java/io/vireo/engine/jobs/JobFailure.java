package io.vireo.engine.jobs;

import io.vireo.model.ErrorCode;

import static java.util.Objects.requireNonNull;

/** A step that cannot succeed; the job ends FAILED with this code and sentence. */
public class JobFailure extends RuntimeException {
    private final ErrorCode code;

    public JobFailure(ErrorCode code, String message) {
        super(requireNonNull(message, "message"));
        this.code = requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
