package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A router on the host that serves it: the namespace {@code namespace} ("qrouter-" + router id) with
 * IPv4 forwarding on, one interface per subnet it joins ({@code qr-*}, plugged into the overlay's
 * bridge) and at most one gateway interface ({@code qg-*}, plugged into the external network's
 * bridge), SNAT of what leaves through the gateway to the gateway's address, and for each floating IP
 * the address on the gateway interface, DNAT from it to the fixed address and SNAT back (nftables, in
 * the namespace).
 *
 * @param gateway null for a router without an external gateway
 */
public record OverlayRouter(String routerId, String namespace, List<RouterInterface> interfaces, RouterGateway gateway,
                            List<FloatingIpMapping> floatingIps) {
    public OverlayRouter {
        requireNonNull(routerId, "routerId");
        requireNonNull(namespace, "namespace");
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
        floatingIps = floatingIps == null ? List.of() : List.copyOf(floatingIps);
    }

    /** @param address with its prefix length, e.g. 10.0.0.1/24 */
    public record RouterInterface(String device, String bridge, String mac, String address, int mtu) {
        public RouterInterface {
            requireNonNull(device, "device");
            requireNonNull(bridge, "bridge");
            requireNonNull(mac, "mac");
            requireNonNull(address, "address");
        }
    }

    /**
     * @param bridge the external network's bridge on the host (a bridged network's)
     * @param nextHop the external subnet's gateway, the router's default route; null for none
     * @param snat whether traffic from the inner subnets leaves as the gateway's address
     */
    public record RouterGateway(String device, String bridge, String mac, String address, String nextHop, boolean snat, int mtu) {
        public RouterGateway {
            requireNonNull(device, "device");
            requireNonNull(bridge, "bridge");
            requireNonNull(mac, "mac");
            requireNonNull(address, "address");
        }
    }

    public record FloatingIpMapping(String floatingIp, String fixedIp) {
        public FloatingIpMapping {
            requireNonNull(floatingIp, "floatingIp");
            requireNonNull(fixedIp, "fixedIp");
        }
    }
}
