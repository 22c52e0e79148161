package io.vireo.agent.rpc;

import io.vireo.model.rpc.AgentMethod;

/**
 * One command the engine can send; idempotent, named by its outcome. It gets its params as the
 * contract's record, read by the dispatcher after the epoch check, and answers the contract's result.
 */
public interface AgentCommand<P, R> {
    AgentMethod<P, R> method();

    /** Runs the command; the answer becomes the JSON-RPC result. IllegalArgumentException means bad params. */
    R execute(P params) throws Exception;
}
