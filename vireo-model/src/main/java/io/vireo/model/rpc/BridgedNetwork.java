package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

/**
 * A logical network as a host carries it: a Linux bridge with the host's interface {@code hostNic}
 * (or its VLAN sub-interface {@code hostNic.vlanId}) as its port, all at {@code mtu}.
 *
 * @param vlanId null for an untagged network
 */
public record BridgedNetwork(String bridge, String hostNic, Integer vlanId, int mtu) {
    public BridgedNetwork {
        requireNonNull(bridge, "bridge");
        requireNonNull(hostNic, "hostNic");
    }

    /** The interface the bridge gets as its port: the host NIC itself, or its VLAN sub-interface. */
    public String uplink() {
        return vlanId == null ? hostNic : hostNic + "." + vlanId;
    }
}
