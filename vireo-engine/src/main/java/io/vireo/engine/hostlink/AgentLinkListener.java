package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.UUID;

/** What the rest of the engine learns from the agent links. */
public interface AgentLinkListener {
    void connected(AgentSession session);

    void notification(UUID hostId, String method, JsonNode params);

    void disconnected(AgentSession session);
}
