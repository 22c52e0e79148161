package io.vireo.engine.hostlink;

import io.vireo.model.ErrorCode;

import static java.util.Objects.requireNonNull;

/** An agent command that did not succeed: the host is not connected, timed out, or answered an error. */
public class AgentException extends RuntimeException {
    private final ErrorCode code;
    private final int rpcCode;

    public AgentException(ErrorCode code, int rpcCode, String message) {
        super(requireNonNull(message, "message"));
        this.code = requireNonNull(code, "code");
        this.rpcCode = rpcCode;
    }

    public ErrorCode code() {
        return code;
    }

    /** The JSON-RPC error code the agent answered, or 0 when the call did not get an answer. */
    public int rpcCode() {
        return rpcCode;
    }
}
