package io.vireo.model.rpc;

/** How storage.checkPath ended: whether the path exists on the host and the agent may write there. */
public record PathCheckResult(boolean exists, boolean writable) {
}
