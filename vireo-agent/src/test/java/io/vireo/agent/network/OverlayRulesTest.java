package io.vireo.agent.network;

import io.vireo.model.rpc.OverlayRouter;
import io.vireo.model.rpc.PortFilter;
import io.vireo.model.rpc.PortFilter.FilterRule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OverlayRulesTest {
    private static final PortFilter PORT = new PortFilter("p1", "tap0123456789a", "FA:16:3E:00:00:11", List.of("10.0.0.11"), true,
            List.of(new FilterRule("ingress", "icmp", null, null, List.of("10.0.1.0/24", "10.0.2.0/24")),
                    new FilterRule("ingress", "tcp", 22, 22, null),
                    new FilterRule("ingress", "udp", 5000, 5100, null),
                    new FilterRule("ingress", "icmp", 8, 0, List.of()),
                    new FilterRule("egress", null, null, null, null)));

    @Test
    void aRouterTranslatesItsFloatingIpsBothWaysAndSnatsTheRest() {
        OverlayRouter router = new OverlayRouter("r1", "qrouter-r1", List.of(),
                new OverlayRouter.RouterGateway("qg-0123456789a", "vnext", "fa:16:3e:00:00:01", "203.0.113.10/24", "203.0.113.1", true, 1500),
                List.of(new OverlayRouter.FloatingIpMapping("203.0.113.20", "10.0.0.11")));

        assertThat(OverlayRules.routerNat(router)).contains("""
                  chain prerouting {
                    type nat hook prerouting priority dstnat; policy accept;
                    ip daddr 203.0.113.20 dnat to 10.0.0.11
                  }
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname "qg-0123456789a" ip saddr 10.0.0.11 snat to 203.0.113.20
                    oifname "qg-0123456789a" snat to 203.0.113.10
                  }
                """);
        OverlayRouter noSnat = new OverlayRouter("r1", "qrouter-r1", List.of(),
                new OverlayRouter.RouterGateway("qg-0123456789a", "vnext", "fa:16:3e:00:00:01", "203.0.113.10/24", null, false, 1500), List.of());
        assertThat(OverlayRules.routerNat(noSnat).orElseThrow()).doesNotContain("snat");
        assertThat(OverlayRules.routerNat(new OverlayRouter("r1", "qrouter-r1", List.of(), null, List.of()))).isEmpty();
    }

    @Test
    void aTableIsReplacedInOneTransactionAndCarriesTheDigestOfItsBody() {
        String script = OverlayRules.replaceTable("ip", "vireo-router", "  chain x {\n  }\n");

        assertThat(script).startsWith("table ip vireo-router\ndelete table ip vireo-router\ntable ip vireo-router {\n  comment \""
                + OverlayRules.tableDigest("ip", "vireo-router", "  chain x {\n  }\n") + "\"\n");
        assertThat(OverlayRules.tableDigest("ip", "vireo-router", "a")).isNotEqualTo(OverlayRules.tableDigest("ip", "vireo-router", "b"))
                .hasSize(24);
    }

    @Test
    void antiSpoofingLetsThePortSendOnlyFromItsMacAndAddressesAndOnlyIpv4AndArp() {
        String table = OverlayRules.portsAntiSpoofing(List.of(PORT)).orElseThrow();

        assertThat(table).contains("iifname \"tap0123456789a\" jump from-tap0123456789a",
                "oifname \"tap0123456789a\" ether type != { ip, arp } drop",
                "ether saddr != fa:16:3e:00:00:11 drop",
                "arp saddr ether != fa:16:3e:00:00:11 drop",
                "arp saddr ip != { 0.0.0.0, 10.0.0.11 } drop",
                "ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 return",
                "ether type ip ip saddr != { 10.0.0.11 } drop",
                "ether type { ip, arp } return\n    drop\n");
        assertThat(OverlayRules.portsAntiSpoofing(List.of())).isEmpty();
    }

    @Test
    void securityGroupRulesBecomeIptablesChainsWithConnectionTracking() {
        List<String> rules = OverlayRules.portChainRules(List.of(PORT));

        assertThat(rules).containsExactly(
                "-A vireo-FORWARD -m physdev --physdev-out tap0123456789a --physdev-is-bridged -j vireo-i-tap0123456789a",
                "-A vireo-FORWARD -m physdev --physdev-in tap0123456789a --physdev-is-bridged -j vireo-o-tap0123456789a",
                "-A vireo-FORWARD -j ACCEPT",
                "-A vireo-i-tap0123456789a -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
                "-A vireo-i-tap0123456789a -m conntrack --ctstate INVALID -j DROP",
                "-A vireo-i-tap0123456789a -p udp -m udp --sport 67 --dport 68 -j RETURN",
                "-A vireo-i-tap0123456789a -s 10.0.1.0/24 -p icmp -j RETURN",
                "-A vireo-i-tap0123456789a -s 10.0.2.0/24 -p icmp -j RETURN",
                "-A vireo-i-tap0123456789a -p tcp -m tcp --dport 22 -j RETURN",
                "-A vireo-i-tap0123456789a -p udp -m udp --dport 5000:5100 -j RETURN",
                "-A vireo-i-tap0123456789a -j DROP",
                "-A vireo-o-tap0123456789a -s 0.0.0.0/32 -d 255.255.255.255/32 -p udp -m udp --sport 68 --dport 67 -j RETURN",
                "-A vireo-o-tap0123456789a -p udp -m udp --sport 68 --dport 67 -j RETURN",
                "-A vireo-o-tap0123456789a -p udp -m udp --sport 67 --dport 68 -j DROP",
                "-A vireo-o-tap0123456789a -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
                "-A vireo-o-tap0123456789a -m conntrack --ctstate INVALID -j DROP",
                "-A vireo-o-tap0123456789a -j RETURN",
                "-A vireo-o-tap0123456789a -j DROP");
        assertThat(OverlayRules.chain("i", "tap0123456789a")).hasSizeLessThanOrEqualTo(28);
    }

    @Test
    void refusesMalformedRules() {
        assertThat(OverlayRules.problem(PORT)).isEmpty();
        assertThat(problem(new FilterRule("sideways", null, null, null, null))).contains("rule direction 'sideways' is neither ingress nor egress");
        assertThat(problem(new FilterRule("ingress", "sctp", null, null, null))).contains("protocol 'sctp' is not tcp, udp, icmp or a number");
        assertThat(problem(new FilterRule("ingress", "300", null, null, null))).contains("protocol number 300 is not between 0 and 255");
        assertThat(problem(new FilterRule("ingress", "tcp", 80, 22, null))).contains("ports 80:22 are not a range within 1-65535");
        assertThat(problem(new FilterRule("ingress", null, 80, 80, null))).contains("a rule with ports needs tcp, udp or icmp");
        assertThat(problem(new FilterRule("ingress", "icmp", 300, null, null))).isPresent();
        assertThat(problem(new FilterRule("ingress", "tcp", null, null, List.of("10.0.0.0/24; drop")))).contains(
                "remote prefix '10.0.0.0/24; drop' is not an IPv4 CIDR");
        assertThat(OverlayRules.problem(new PortFilter("p", "tap\"x", "fa:16:3e:00:00:11", List.of(), true, List.of()))).isPresent();
        assertThat(OverlayRules.problem(new PortFilter("p", "tapx", "fa:16:3e:00:00:11", List.of("10.0.0.300"), true, List.of())))
                .contains("fixed IP '10.0.0.300' is not an IPv4 address");
    }

    private static java.util.Optional<String> problem(FilterRule rule) {
        return OverlayRules.problem(new PortFilter("p", "tapx", "fa:16:3e:00:00:11", List.of(), true, List.of(rule)));
    }
}
