package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

/**
 * What became of one network of a network.ensureBridged: carried (the bridge is up with its port),
 * or refused with the reason, in which case the agent touched nothing of it.
 *
 * @param error null when carried
 */
public record BridgeOutcome(String bridge, boolean carried, String error) {
    public BridgeOutcome {
        requireNonNull(bridge, "bridge");
    }

    public static BridgeOutcome carried(String bridge) {
        return new BridgeOutcome(bridge, true, null);
    }

    public static BridgeOutcome refused(String bridge, String error) {
        return new BridgeOutcome(bridge, false, requireNonNull(error, "error"));
    }
}
