package io.vireo.model.rpc;

import java.util.List;

/**
 * Everything of the built-in network provider one host must carry, as a whole: the agent makes the host
 * match it (creating, changing and removing only what it owns: bridges {@code brq*}, vxlan devices
 * {@code vxlan-*}, namespaces {@code qdhcp-*} and {@code qrouter-*}, their dnsmasq processes, and its
 * port filters), so sending the same state again changes nothing and anything left out is removed.
 * Sent by the leader's overlay convergence (and before a VM starts or migrates in, so that its wiring
 * is there first); the agent keeps nothing on disk: after its restart or the host's reboot the next
 * convergence rebuilds the same wiring.
 *
 * @param localIp this host's address for VXLAN traffic (an address one of its interfaces holds)
 */
public record OverlayState(String localIp, List<OverlaySegment> segments, List<DhcpService> dhcp,
                           List<OverlayRouter> routers, List<PortFilter> ports) {
    public OverlayState {
        segments = segments == null ? List.of() : List.copyOf(segments);
        dhcp = dhcp == null ? List.of() : List.copyOf(dhcp);
        routers = routers == null ? List.of() : List.copyOf(routers);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }
}
