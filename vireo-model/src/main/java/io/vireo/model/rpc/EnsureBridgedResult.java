package io.vireo.model.rpc;

import java.util.List;

/** One outcome per network asked for, in the order asked, and the host's interfaces as they are now. */
public record EnsureBridgedResult(List<BridgeOutcome> outcomes, List<HostNic> nics) {
    public EnsureBridgedResult {
        outcomes = outcomes == null ? List.of() : List.copyOf(outcomes);
        nics = nics == null ? List.of() : List.copyOf(nics);
    }
}
