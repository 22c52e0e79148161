package io.vireo.model.rpc;

import java.util.List;

/** The networks a host must carry (the agent leaves any other bridge alone: network.ensureRemoved removes one). */
public record EnsureBridgedParams(List<BridgedNetwork> networks) {
    public EnsureBridgedParams {
        networks = networks == null ? List.of() : List.copyOf(networks);
    }
}
