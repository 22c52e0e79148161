package io.vireo.engine.hostlink;

/**
 * A command's result with the agent's report number at the time the command had run (0 when the
 * agent sent none), so that a caller can order the answer against the agent's events and full lists.
 */
public record AgentAnswer<R>(R result, long seq) {
}
