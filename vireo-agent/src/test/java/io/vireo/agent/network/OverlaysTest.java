package io.vireo.agent.network;

import io.vireo.model.rpc.OverlaySegment;
import io.vireo.model.rpc.PortFilter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts of Overlays: names, the plan of a segment from what the host has, the iptables script. */
class OverlaysTest {
    private static final OverlaySegment SEGMENT = new OverlaySegment("n1", 1001, "brq0123456789a", 1450, List.of("10.9.0.2", "10.9.0.3"));

    private static final String HOST = """
            [{"ifname":"lo","flags":["LOOPBACK","UP"],"mtu":65536,"address":"00:00:00:00:00:00",
              "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},
             {"ifname":"eth0","flags":["BROADCAST","UP"],"mtu":1500,"address":"52:54:00:00:00:01",
              "addr_info":[{"family":"inet","local":"10.9.0.1","prefixlen":24,"scope":"global"},
                           {"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"}]}]""";

    private static final String CONVERGED = """
            [{"ifname":"eth0","flags":["UP"],"mtu":1500,"address":"52:54:00:00:00:01",
              "addr_info":[{"family":"inet","local":"10.9.0.1","prefixlen":24,"scope":"global"}]},
             {"ifname":"brq0123456789a","flags":["UP"],"mtu":1450,"linkinfo":{"info_kind":"bridge"}},
             {"ifname":"vxlan-1001","flags":["UP"],"mtu":1450,"master":"brq0123456789a",
              "linkinfo":{"info_kind":"vxlan","info_data":{"id":1001,"local":"10.9.0.1","link":"eth0","port":4789,"learning":false}}}]""";

    @Test
    void theVxlanAddressIsTheInterfaceThatHoldsIt() {
        assertThat(Overlays.localDevice("10.9.0.1", OverlayLinks.parse(HOST))).contains("eth0");
        assertThat(Overlays.localDevice("10.9.0.7", OverlayLinks.parse(HOST))).isEmpty();
        assertThat(OverlayLinks.parse(HOST).get("eth0").addresses()).containsExactly("10.9.0.1/24");
    }

    @Test
    void aSegmentFromNothingIsABridgeAVxlanPortAndOneForwardingEntryPerPeer() {
        assertThat(Overlays.segmentPlan(SEGMENT, OverlayLinks.parse(HOST), Set.of(), "10.9.0.1", "eth0")).map(c -> String.join(" ", c))
                .containsExactly(
                        "ip link add name brq0123456789a type bridge",
                        "ip link set dev brq0123456789a mtu 1450",
                        "ip link add name vxlan-1001 type vxlan id 1001 dstport 4789 local 10.9.0.1 dev eth0 nolearning",
                        "ip link set dev vxlan-1001 mtu 1450",
                        "ip link set dev vxlan-1001 master brq0123456789a",
                        "ip link set dev vxlan-1001 up",
                        "ip link set dev brq0123456789a up",
                        "bridge fdb append 00:00:00:00:00:00 dev vxlan-1001 dst 10.9.0.2",
                        "bridge fdb append 00:00:00:00:00:00 dev vxlan-1001 dst 10.9.0.3");
    }

    @Test
    void aSegmentAsItShouldBeNeedsNothingAndAChangedPeerListOnlyItsEntries() {
        Map<String, OverlayLinks.Link> links = OverlayLinks.parse(CONVERGED);
        assertThat(Overlays.segmentPlan(SEGMENT, links, Set.of("10.9.0.2", "10.9.0.3"), "10.9.0.1", "eth0")).isEmpty();

        assertThat(Overlays.segmentPlan(SEGMENT, links, Set.of("10.9.0.2", "10.9.0.4"), "10.9.0.1", "eth0")).map(c -> String.join(" ", c))
                .containsExactly("bridge fdb append 00:00:00:00:00:00 dev vxlan-1001 dst 10.9.0.3",
                        "bridge fdb del 00:00:00:00:00:00 dev vxlan-1001 dst 10.9.0.4");
    }

    @Test
    void aVxlanDeviceWithOtherSettingsIsMadeAgain() {
        Map<String, OverlayLinks.Link> links = OverlayLinks.parse(CONVERGED.replace("\"learning\":false", "\"learning\":true"));

        assertThat(Overlays.segmentPlan(SEGMENT, links, Set.of("10.9.0.2", "10.9.0.3"), "10.9.0.1", "eth0")).map(c -> String.join(" ", c))
                .startsWith("ip link del dev vxlan-1001",
                        "ip link add name vxlan-1001 type vxlan id 1001 dstport 4789 local 10.9.0.1 dev eth0 nolearning")
                .contains("bridge fdb append 00:00:00:00:00:00 dev vxlan-1001 dst 10.9.0.2");
    }

    @Test
    void aSegmentIsRefusedBeforeAnythingIsMadeWhenItCannotBe() {
        Map<String, OverlayLinks.Link> links = OverlayLinks.parse(HOST);
        Optional<String> eth0 = Optional.of("eth0");
        assertThat(Overlays.segmentProblem(SEGMENT, links, Optional.empty(), "10.9.0.7", Set.of(), Set.of()))
                .contains("no interface of the host holds the VXLAN address 10.9.0.7");
        assertThat(Overlays.segmentProblem(new OverlaySegment("n", 0, "brqx", 1450, List.of()), links, eth0, "10.9.0.1", Set.of(), Set.of()))
                .contains("VNI 0 is not between 1 and 16777215");
        assertThat(Overlays.segmentProblem(new OverlaySegment("n", 1, "eth0", 1450, List.of()), links, eth0, "10.9.0.1", Set.of(), Set.of()))
                .contains("bridge 'eth0' is not a valid name starting with brq");
        assertThat(Overlays.segmentProblem(SEGMENT, links, eth0, "10.9.0.1", Set.of(), Set.of(1001))).contains("VNI 1001 is asked for by two segments");
        assertThat(Overlays.segmentProblem(new OverlaySegment("n", 1, "brqx", 1450, List.of("10.9.0.1")), links, eth0, "10.9.0.1", Set.of(),
                Set.of())).contains("peer 10.9.0.1 is this host's own VXLAN address");
        assertThat(Overlays.segmentProblem(new OverlaySegment("n", 16_777_215, "brqx", 1450, List.of()), links, eth0, "10.9.0.1", Set.of(),
                Set.of())).isEmpty();
    }

    @Test
    void everyHostEndIsAShortNameOfItsDevice() {
        assertThat(OverlayNames.hostEnd("dh", "tap0123456789a")).isEqualTo("dh0123456789a");
        assertThat(OverlayNames.hostEnd("ri", "qr-0123456789a")).isEqualTo("ri0123456789a");
        assertThat(OverlayNames.hostEnd("rg", "qg-0123456789a-too-long".substring(0, 15))).hasSizeLessThanOrEqualTo(15);
        assertThat(OverlayNames.netmask(24)).isEqualTo("255.255.255.0");
        assertThat(OverlayNames.netmask(0)).isEqualTo("0.0.0.0");
        assertThat(OverlayNames.isCidr("10.0.0.0/024")).isFalse();
    }

    @Test
    void theIptablesScriptIsEmptyWhenTheChainsHoldTheRulesAlreadyAndRemovesWhatIsNoLongerWanted() {
        PortFilter port = new PortFilter("p1", "tapa", "fa:16:3e:00:00:11", List.of("10.0.0.11"), true, List.of());
        String digest = OverlayRules.digest(String.join("\n", OverlayRules.portChainRules(List.of(port))));
        String current = """
                -P FORWARD ACCEPT
                -N vireo-FORWARD
                -N vireo-i-tapa
                -N vireo-o-tapa
                -A FORWARD %s
                """.formatted(OverlayRules.forwardJump(digest));
        assertThat(Overlays.iptablesScript(List.of(port), true, current)).isEmpty();

        String withAStalePort = current.replace("-N vireo-o-tapa\n", "-N vireo-o-tapa\n-N vireo-i-tapb\n-N vireo-o-tapb\n");
        PortFilter other = new PortFilter("p2", "tapc", "fa:16:3e:00:00:12", List.of("10.0.0.12"), true, List.of());
        String script = Overlays.iptablesScript(List.of(port, other), false, withAStalePort);
        assertThat(script).startsWith("*filter\n:vireo-FORWARD - [0:0]\n").endsWith("COMMIT\n")
                .contains(":vireo-i-tapc - [0:0]", "-D FORWARD " + OverlayRules.forwardJump(digest), "-X vireo-i-tapb", "-X vireo-o-tapb",
                        "-I FORWARD 1 " + OverlayRules.forwardJump(OverlayRules.digest(String.join("\n",
                                OverlayRules.portChainRules(List.of(port, other))))))
                .doesNotContain("-X vireo-i-tapa");

        assertThat(Overlays.iptablesScript(List.of(), true, current)).contains("-X vireo-i-tapa", "-A vireo-FORWARD -j ACCEPT")
                .doesNotContain("-X vireo-FORWARD");
        assertThat(Overlays.iptablesScript(List.of(), false, current)).isEqualTo("""
                *filter
                :vireo-FORWARD - [0:0]
                :vireo-i-tapa - [0:0]
                :vireo-o-tapa - [0:0]
                -D FORWARD %s
                -X vireo-FORWARD
                -X vireo-i-tapa
                -X vireo-o-tapa
                COMMIT
                """.formatted(OverlayRules.forwardJump(digest)));
        assertThat(Overlays.iptablesScript(List.of(), false, "-P FORWARD ACCEPT\n")).isEmpty();
    }
}
