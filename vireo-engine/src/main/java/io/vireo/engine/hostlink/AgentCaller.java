package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.UUID;

/** Makes one agent call by host id: through this engine's own session, or through the leader. */
@FunctionalInterface
public interface AgentCaller {
    /** Answers the agent's result, or throws an {@link AgentException}. */
    JsonNode call(UUID hostId, String method, ObjectNode params, Duration timeout);
}
