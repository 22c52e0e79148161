package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One overlay network on a host: the Linux bridge {@code bridge} ("brq" + the first 11 characters of the
 * network's id) with the vxlan device {@code vxlan-<vni>} (UDP 4789, learning off, bound to the interface
 * holding the state's localIp) as a port, and one all-zero forwarding entry per peer (head-end
 * replication: no multicast).
 *
 * @param vni 1-16777215
 * @param mtu the bridge's and the guests' MTU (the underlay's minus 50)
 * @param peers the VXLAN addresses of the other hosts that carry this segment
 */
public record OverlaySegment(String networkId, int vni, String bridge, int mtu, List<String> peers) {
    public OverlaySegment {
        requireNonNull(networkId, "networkId");
        requireNonNull(bridge, "bridge");
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    /** The vxlan device's name on the host. */
    public String vxlanDevice() {
        return "vxlan-" + vni;
    }
}
