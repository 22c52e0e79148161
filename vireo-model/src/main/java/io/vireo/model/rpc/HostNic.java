package io.vireo.model.rpc;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One network interface of a host, as its agent read it (ip -details -json addr).
 *
 * @param mac the link-layer address, null for none (loopback has 00:00:00:00:00:00)
 * @param up the interface's operational state is up (or unknown, as for loopback and some bridges)
 * @param addresses the IP addresses on it, in CIDR form (10.231.0.1/24)
 * @param master the bridge (or bond) it is a port of, null for none
 * @param vlanId the VLAN id of a VLAN interface, null otherwise
 * @param vlanParent the interface a VLAN interface is on, null otherwise
 */
public record HostNic(String name, String mac, int mtu, boolean up, List<String> addresses, NicKind kind, String master,
                      Integer vlanId, String vlanParent) {
    public HostNic {
        requireNonNull(name, "name");
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        kind = kind == null ? NicKind.OTHER : kind;
    }
}
