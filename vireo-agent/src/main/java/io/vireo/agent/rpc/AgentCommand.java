package io.vireo.agent.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/** One command the engine can send; idempotent, named by its outcome. */
public interface AgentCommand {
    String method();

    /** Runs the command; the answer becomes the JSON-RPC result. */
    Object execute(JsonNode params) throws Exception;
}
