package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The security of one VM port on the host where its VM runs, enforced on its tap {@code tap} with
 * connection tracking: what the port may send (only from its own MAC and addresses, and only what an
 * egress rule allows) and what may reach it (only what an ingress rule allows); replies to allowed
 * connections pass both ways; ARP and DHCP of its own addresses pass. With {@code portSecurity} false
 * nothing is filtered.
 *
 * @param tap "tap" + the first 11 characters of the port's id
 * @param fixedIps the port's addresses (no prefix)
 */
public record PortFilter(String portId, String tap, String mac, List<String> fixedIps, boolean portSecurity,
                         List<FilterRule> rules) {
    public PortFilter {
        requireNonNull(portId, "portId");
        requireNonNull(tap, "tap");
        requireNonNull(mac, "mac");
        fixedIps = fixedIps == null ? List.of() : List.copyOf(fixedIps);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /**
     * One allowed flow, the engine having resolved remote groups into address lists.
     *
     * @param direction "ingress" or "egress"
     * @param protocol null for any, else "tcp", "udp", "icmp" or an IP protocol number
     * @param portMin for tcp/udp the first port (null for any); for icmp the type (null for any)
     * @param portMax for tcp/udp the last port; for icmp the code (null for any)
     * @param remotePrefixes null for any address; else the CIDRs the other end must be in (an empty list
     *     allows nothing: a remote group without members)
     */
    public record FilterRule(String direction, String protocol, Integer portMin, Integer portMax, List<String> remotePrefixes) {
        public FilterRule {
            requireNonNull(direction, "direction");
            remotePrefixes = remotePrefixes == null ? null : List.copyOf(remotePrefixes);
        }
    }
}
