package io.vireo.model.rpc;

import java.util.List;

/**
 * One outcome per bridge: carried false when it is gone (or was never there); carried true with the
 * reason when the agent kept it (a VM's interface is still a port of it).
 */
public record EnsureRemovedResult(List<BridgeOutcome> outcomes) {
    public EnsureRemovedResult {
        outcomes = outcomes == null ? List.of() : List.copyOf(outcomes);
    }
}
