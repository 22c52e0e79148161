package io.vireo.agent.network;

import io.vireo.model.rpc.OverlayRouter;
import io.vireo.model.rpc.PortFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The packet rules of the overlay, as text for {@code nft -f -} and {@code iptables-restore --noflush}:
 * <ul>
 * <li>a router's NAT (nftables, table {@code ip vireo-router} in its namespace): DNAT of each floating IP
 * to its fixed address, SNAT of that fixed address back to the floating one, and SNAT of the rest to the
 * gateway's address when the router does SNAT;</li>
 * <li>port filters, in two parts, because this kernel has no connection tracking in nftables' bridge
 * family (no CONFIG_NF_CONNTRACK_BRIDGE) but does pass bridged IPv4 through iptables (br_netfilter):
 * anti-spoofing, which needs no state, in the bridge-family table {@code vireo-ports} (frames from a tap
 * only with its MAC, ARP only for its addresses, IPv4 only from its addresses or a DHCP request, nothing
 * but IPv4 and ARP either way), and the security groups, which need connection tracking, in iptables
 * (iptables-nft, filter table) chains {@code vireo-*} matched on the bridge port with physdev.</li>
 * </ul>
 * Each text carries a digest of itself (a table comment, a rule comment): the agent compares digests
 * to tell whether the host has these rules already.
 */
public final class OverlayRules {
    private static final Set<String> PROTOCOL_NAMES = Set.of("tcp", "udp", "icmp");

    private OverlayRules() {
    }

    public static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The router's NAT table body, or empty when it needs none (no gateway). */
    static Optional<String> routerNat(OverlayRouter router) {
        OverlayRouter.RouterGateway gateway = router.gateway();
        if (gateway == null) {
            return Optional.empty();
        }
        String qg = gateway.device();
        StringBuilder pre = new StringBuilder();
        StringBuilder post = new StringBuilder();
        for (OverlayRouter.FloatingIpMapping fip : router.floatingIps()) {
            pre.append("    ip daddr ").append(fip.floatingIp()).append(" dnat to ").append(fip.fixedIp()).append('\n');
            post.append("    oifname \"").append(qg).append("\" ip saddr ").append(fip.fixedIp()).append(" snat to ")
                    .append(fip.floatingIp()).append('\n');
        }
        if (gateway.snat()) {
            post.append("    oifname \"").append(qg).append("\" snat to ").append(OverlayNames.address(gateway.address())).append('\n');
        }
        String body = "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n" + pre + "  }\n"
                + "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n" + post + "  }\n";
        return Optional.of(body);
    }

    /**
     * The nft script that replaces a table by one with this body, atomically (one transaction: the table
     * is declared so that its deletion cannot fail, deleted, and made again).
     */
    static String replaceTable(String family, String table, String body) {
        String digest = digest(family + " " + table + "\n" + body);
        return "table " + family + " " + table + "\n"
                + "delete table " + family + " " + table + "\n"
                + "table " + family + " " + table + " {\n  comment \"" + digest + "\"\n" + body + "}\n";
    }

    static String tableDigest(String family, String table, String body) {
        return digest(family + " " + table + "\n" + body);
    }

    /** Why this port filter cannot be enforced, if it cannot; checks only. */
    static Optional<String> problem(PortFilter port) {
        Optional<String> tap = OverlayNames.interfaceProblem("tap", port.tap());
        if (tap.isPresent()) {
            return tap;
        }
        if (!OverlayNames.isMac(port.mac())) {
            return Optional.of("'" + port.mac() + "' is not a MAC address");
        }
        for (String ip : port.fixedIps()) {
            if (!OverlayNames.isIpv4(ip)) {
                return Optional.of("fixed IP '" + ip + "' is not an IPv4 address");
            }
        }
        for (PortFilter.FilterRule rule : port.rules()) {
            if (!rule.direction().equals("ingress") && !rule.direction().equals("egress")) {
                return Optional.of("rule direction '" + rule.direction() + "' is neither ingress nor egress");
            }
            String protocol = rule.protocol();
            if (protocol != null && !PROTOCOL_NAMES.contains(protocol)) {
                try {
                    int number = Integer.parseInt(protocol);
                    if (number < 0 || number > 255) {
                        return Optional.of("protocol number " + protocol + " is not between 0 and 255");
                    }
                } catch (NumberFormatException e) {
                    return Optional.of("protocol '" + protocol + "' is not tcp, udp, icmp or a number");
                }
            }
            boolean ports = "tcp".equals(protocol) || "udp".equals(protocol);
            boolean icmp = "icmp".equals(protocol);
            if ((rule.portMin() != null || rule.portMax() != null) && !ports && !icmp) {
                return Optional.of("a rule with ports needs tcp, udp or icmp");
            }
            if (ports && (outOf(rule.portMin(), 1, 65535) || outOf(rule.portMax(), 1, 65535)
                    || (rule.portMin() != null && rule.portMax() != null && rule.portMin() > rule.portMax())
                    || (rule.portMin() == null && rule.portMax() != null))) {
                return Optional.of("ports " + rule.portMin() + ":" + rule.portMax() + " are not a range within 1-65535");
            }
            if (icmp && (outOf(rule.portMin(), 0, 255) || outOf(rule.portMax(), 0, 255)
                    || (rule.portMin() == null && rule.portMax() != null))) {
                return Optional.of("ICMP type " + rule.portMin() + " and code " + rule.portMax() + " are not within 0-255");
            }
            if (rule.remotePrefixes() != null) {
                for (String prefix : rule.remotePrefixes()) {
                    if (!OverlayNames.isCidr(prefix)) {
                        return Optional.of("remote prefix '" + prefix + "' is not an IPv4 CIDR");
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean outOf(Integer value, int min, int max) {
        return value != null && (value < min || value > max);
    }

    /** The body of the bridge-family table of the filtered ports' anti-spoofing; empty for none. */
    static Optional<String> portsAntiSpoofing(List<PortFilter> ports) {
        if (ports.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder prerouting = new StringBuilder("  chain prerouting {\n    type filter hook prerouting priority -200; policy accept;\n");
        StringBuilder forward = new StringBuilder("  chain forward {\n    type filter hook forward priority 0; policy accept;\n");
        StringBuilder chains = new StringBuilder();
        for (PortFilter port : ports) {
            String tap = port.tap();
            String mac = port.mac().toLowerCase(Locale.ROOT);
            prerouting.append("    iifname \"").append(tap).append("\" jump from-").append(tap).append('\n');
            forward.append("    oifname \"").append(tap).append("\" ether type != { ip, arp } drop\n");
            chains.append("  chain from-").append(tap).append(" {\n");
            chains.append("    ether saddr != ").append(mac).append(" drop\n");
            chains.append("    arp saddr ether != ").append(mac).append(" drop\n");
            // 0.0.0.0: the ARP probe of a client checking the address DHCP offered it
            chains.append("    arp saddr ip != { 0.0.0.0").append(port.fixedIps().stream().map(ip -> ", " + ip).reduce("", String::concat))
                    .append(" } drop\n");
            chains.append("    ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 return\n");
            if (port.fixedIps().isEmpty()) {
                chains.append("    ether type ip drop\n");
            } else {
                chains.append("    ether type ip ip saddr != { ").append(String.join(", ", port.fixedIps())).append(" } drop\n");
            }
            chains.append("    ether type { ip, arp } return\n    drop\n  }\n");
        }
        prerouting.append("  }\n");
        forward.append("  }\n");
        return Optional.of(prerouting.toString() + forward + chains);
    }

    /** The iptables chain of what may reach a port ("i") or leave it ("o"): at most 8 + 15 characters. */
    static String chain(String direction, String tap) {
        return "vireo-" + direction + "-" + tap;
    }

    /** The rule in FORWARD that sends bridged traffic to the agent's chain; its comment carries the digest. */
    static String forwardJump(String digest) {
        return "-m physdev --physdev-is-bridged -m comment --comment \"vireo-ports " + digest + "\" -j " + OverlayNames.FORWARD_CHAIN;
    }

    /**
     * The rules of the agent's chains for these ports, as iptables-restore lines ("-A chain ..."); the digest
     * of these lines is the comment of the FORWARD rule.
     *
     * <p>vireo-FORWARD sends what goes to a filtered tap through its "i" chain and what comes from one
     * through its "o" chain; each chain RETURNs what it allows and DROPs the rest; what comes back is
     * accepted, so bridged traffic of unfiltered ports, and of every other bridge, passes as before
     * br_netfilter showed it to iptables.
     */
    static List<String> portChainRules(List<PortFilter> ports) {
        List<String> rules = new java.util.ArrayList<>();
        String forward = OverlayNames.FORWARD_CHAIN;
        for (PortFilter port : ports) {
            rules.add("-A " + forward + " -m physdev --physdev-out " + port.tap() + " --physdev-is-bridged -j " + chain("i", port.tap()));
            rules.add("-A " + forward + " -m physdev --physdev-in " + port.tap() + " --physdev-is-bridged -j " + chain("o", port.tap()));
        }
        rules.add("-A " + forward + " -j ACCEPT");
        for (PortFilter port : ports) {
            String in = chain("i", port.tap());
            rules.add("-A " + in + " -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN");
            rules.add("-A " + in + " -m conntrack --ctstate INVALID -j DROP");
            rules.add("-A " + in + " -p udp -m udp --sport 67 --dport 68 -j RETURN");
            for (PortFilter.FilterRule rule : port.rules()) {
                if (rule.direction().equals("ingress")) {
                    rules.addAll(ruleLines(in, "-s", rule));
                }
            }
            rules.add("-A " + in + " -j DROP");
            String out = chain("o", port.tap());
            rules.add("-A " + out + " -s 0.0.0.0/32 -d 255.255.255.255/32 -p udp -m udp --sport 68 --dport 67 -j RETURN");
            rules.add("-A " + out + " -p udp -m udp --sport 68 --dport 67 -j RETURN");
            rules.add("-A " + out + " -p udp -m udp --sport 67 --dport 68 -j DROP");
            rules.add("-A " + out + " -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN");
            rules.add("-A " + out + " -m conntrack --ctstate INVALID -j DROP");
            for (PortFilter.FilterRule rule : port.rules()) {
                if (rule.direction().equals("egress")) {
                    rules.addAll(ruleLines(out, "-d", rule));
                }
            }
            rules.add("-A " + out + " -j DROP");
        }
        return rules;
    }

    private static List<String> ruleLines(String chain, String remoteFlag, PortFilter.FilterRule rule) {
        StringBuilder match = new StringBuilder();
        String protocol = rule.protocol();
        if (protocol != null) {
            match.append(" -p ").append(protocol);
            if ((protocol.equals("tcp") || protocol.equals("udp")) && rule.portMin() != null) {
                match.append(" -m ").append(protocol).append(" --dport ").append(rule.portMin());
                if (rule.portMax() != null && !rule.portMax().equals(rule.portMin())) {
                    match.append(':').append(rule.portMax());
                }
            } else if (protocol.equals("icmp") && rule.portMin() != null) {
                match.append(" -m icmp --icmp-type ").append(rule.portMin());
                if (rule.portMax() != null) {
                    match.append('/').append(rule.portMax());
                }
            }
        }
        if (rule.remotePrefixes() == null) {
            return List.of("-A " + chain + match + " -j RETURN");
        }
        return rule.remotePrefixes().stream().map(prefix -> "-A " + chain + " " + remoteFlag + " " + prefix + match + " -j RETURN").toList();
    }
}
