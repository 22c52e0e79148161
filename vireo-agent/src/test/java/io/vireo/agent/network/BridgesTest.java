package io.vireo.agent.network;

import io.vireo.model.rpc.BridgeOutcome;
import io.vireo.model.rpc.BridgedNetwork;
import io.vireo.model.rpc.HostNic;
import io.vireo.model.rpc.NicKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vireo.agent.network.FakeLinks.nic;
import static org.assertj.core.api.Assertions.assertThat;

class BridgesTest {
    private final FakeLinks host = new FakeLinks()
            .with(nic("lo", NicKind.OTHER, "127.0.0.1/8"))
            .with(nic("eth0", NicKind.PHYSICAL, "10.231.0.1/24"))
            .with(nic("eth1", NicKind.PHYSICAL));
    /** Whether the engine answers the host's check after a change; counted. */
    private boolean engineAnswers = true;
    private int engineChecks;
    private final Bridges bridges = new Bridges(host, within -> {
        engineChecks++;
        return engineAnswers;
    });

    @Test
    void bridgesAnUntaggedNetworkOnItsInterfaceAndDoesNothingTheSecondTime() {
        List<BridgeOutcome> outcomes = bridges.ensureBridged(List.of(new BridgedNetwork("vn0123456789", "eth1", null, 1400)));

        assertThat(outcomes).containsExactly(BridgeOutcome.carried("vn0123456789"));
        assertThat(host.commands).containsExactly("link add name vn0123456789 type bridge", "link set dev eth1 mtu 1400",
                "link set dev eth1 master vn0123456789", "link set dev vn0123456789 mtu 1400", "link set dev eth1 up",
                "link set dev vn0123456789 up");
        assertThat(host.nics.get("eth1").master()).isEqualTo("vn0123456789");

        host.commands.clear();
        assertThat(bridges.ensureBridged(List.of(new BridgedNetwork("vn0123456789", "eth1", null, 1400))))
                .containsExactly(BridgeOutcome.carried("vn0123456789"));
        assertThat(host.commands).containsExactly("link set dev eth1 up", "link set dev vn0123456789 up");
    }

    @Test
    void bridgesAVlanOnItsSubInterfaceEvenOnTheManagementNic() {
        List<BridgeOutcome> outcomes = bridges.ensureBridged(List.of(new BridgedNetwork("vnaaaa", "eth0", 42, 1500)));

        assertThat(outcomes).containsExactly(BridgeOutcome.carried("vnaaaa"));
        assertThat(host.commands).contains("link add link eth0 name eth0.42 type vlan id 42", "link add name vnaaaa type bridge",
                "link set dev eth0.42 master vnaaaa");
        assertThat(host.nics.get("eth0").addresses()).containsExactly("10.231.0.1/24");
        assertThat(host.nics.get("eth0").master()).isNull();
    }

    private static final String ETH0_ROUTES = """
            [{"dst": "default", "gateway": "10.231.0.254", "dev": "eth0", "protocol": "static", "metric": 100, "flags": []},
             {"dst": "10.231.0.0/24", "dev": "eth0", "protocol": "kernel", "scope": "link", "prefsrc": "10.231.0.1", "flags": []}]""";

    @Test
    void theManagementInterfaceIsBridgedWithItsAddressAndRoutesMovedWhenTheEngineStillAnswers() {
        host.routes.put("-4 eth0", ETH0_ROUTES);

        List<BridgeOutcome> outcomes = bridges.ensureBridged(List.of(new BridgedNetwork("vnbbbb", "eth0", null, 1500)));

        assertThat(outcomes).containsExactly(BridgeOutcome.carried("vnbbbb"));
        assertThat(engineChecks).isEqualTo(1);
        assertThat(host.nics.get("vnbbbb").addresses()).containsExactly("10.231.0.1/24");
        assertThat(host.nics.get("eth0").addresses()).isEmpty();
        assertThat(host.nics.get("eth0").master()).isEqualTo("vnbbbb");
        // the address is on the bridge before it leaves eth0; the default route follows it, the subnet's own comes with it
        assertThat(host.commands).containsSubsequence("link set dev eth0 master vnbbbb", "addr replace 10.231.0.1/24 dev vnbbbb",
                "addr del 10.231.0.1/24 dev eth0", "-4 route replace default via 10.231.0.254 dev vnbbbb metric 100 proto static");
        assertThat(host.commands).noneMatch(command -> command.contains("route replace 10.231.0.0/24"));

        // once carried, the next round changes nothing and asks the engine nothing
        host.commands.clear();
        assertThat(bridges.ensureBridged(List.of(new BridgedNetwork("vnbbbb", "eth0", null, 1500))))
                .containsExactly(BridgeOutcome.carried("vnbbbb"));
        assertThat(engineChecks).isEqualTo(1);
        assertThat(host.commands).noneMatch(command -> command.startsWith("addr"));
        // removed, it gives them back to eth0 first; the engine must answer then too, else the bridge stays as it was
        host.routes.put("-4 vnbbbb", ETH0_ROUTES.replace("\"eth0\"", "\"vnbbbb\""));
        engineAnswers = false;
        assertThat(bridges.ensureRemoved(List.of("vnbbbb"))).singleElement().satisfies(outcome -> {
            assertThat(outcome.carried()).isTrue();
            assertThat(outcome.error()).contains("moved from bridge vnbbbb back to eth0").contains("rolled back");
        });
        assertThat(host.nics.get("vnbbbb").addresses()).containsExactly("10.231.0.1/24");
        assertThat(host.nics.get("eth0").master()).isEqualTo("vnbbbb");
        assertThat(host.nics.get("eth0").addresses()).isEmpty();

        engineAnswers = true;
        host.commands.clear();
        assertThat(bridges.ensureRemoved(List.of("vnbbbb"))).containsExactly(new BridgeOutcome("vnbbbb", false, null));
        assertThat(host.nics).doesNotContainKey("vnbbbb");
        assertThat(host.nics.get("eth0").addresses()).containsExactly("10.231.0.1/24");
        assertThat(host.nics.get("eth0").master()).isNull();
        assertThat(host.commands).containsSubsequence("link set dev eth0 nomaster", "addr replace 10.231.0.1/24 dev eth0",
                "addr del 10.231.0.1/24 dev vnbbbb", "-4 route replace default via 10.231.0.254 dev eth0 metric 100 proto static",
                "link del dev vnbbbb");
    }

    @Test
    void aChangeAfterWhichTheEngineDoesNotAnswerIsRolledBack() {
        host.routes.put("-4 eth0", ETH0_ROUTES);
        engineAnswers = false;

        List<BridgeOutcome> outcomes = bridges.ensureBridged(List.of(new BridgedNetwork("vnbbbb", "eth0", null, 1500)));

        assertThat(outcomes).singleElement().satisfies(outcome -> {
            assertThat(outcome.carried()).isFalse();
            assertThat(outcome.error()).contains("the engine was not reachable within 10 s after 10.231.0.1/24 moved from eth0 onto "
                    + "bridge vnbbbb").contains("rolled back");
        });
        assertThat(host.nics).doesNotContainKey("vnbbbb");
        assertThat(host.nics.get("eth0").addresses()).containsExactly("10.231.0.1/24");
        assertThat(host.nics.get("eth0").master()).isNull();
        assertThat(host.commands).containsSubsequence("link set dev eth0 nomaster", "addr replace 10.231.0.1/24 dev eth0",
                "-4 route replace default via 10.231.0.254 dev eth0 metric 100 proto static", "link del dev vnbbbb");
    }

    @Test
    void aMoveThatFailsHalfWayIsRolledBackToo() {
        host.failOn = "addr del 10.231.0.1/24 dev eth0";

        List<BridgeOutcome> outcomes = bridges.ensureBridged(List.of(new BridgedNetwork("vnbbbb", "eth0", null, 1500)));

        assertThat(outcomes).singleElement().satisfies(outcome -> assertThat(outcome.error())
                .contains("Operation not permitted").contains("eth0 was put back as it was"));
        assertThat(engineChecks).isZero();
        assertThat(host.nics).doesNotContainKey("vnbbbb");
        assertThat(host.nics.get("eth0").addresses()).containsExactly("10.231.0.1/24");
        assertThat(host.nics.get("eth0").master()).isNull();
    }

    @Test
    void refusesNamesTooLongOrMissingInterfacesAndTouchesNothing() {
        List<BridgeOutcome> outcomes = bridges.ensureBridged(List.of(
                new BridgedNetwork("vn-this-name-is-too-long", "eth1", null, 1500),
                new BridgedNetwork("vncccc", "eth7", null, 1500),
                new BridgedNetwork("vndddd", "a-long-nic-name", 4000, 1500),
                new BridgedNetwork("vneeee", "eth1", 5000, 1500),
                new BridgedNetwork("vnffff", "eth1", null, 10)));

        assertThat(outcomes).extracting(BridgeOutcome::carried).containsOnly(false);
        assertThat(outcomes.get(0).error()).contains("'vn-this-name-is-too-long' is not a valid interface name");
        assertThat(outcomes.get(1).error()).isEqualTo("the host has no interface eth7");
        assertThat(outcomes.get(2).error()).contains("'a-long-nic-name.4000' is not a valid interface name");
        assertThat(outcomes.get(3).error()).contains("VLAN id 5000");
        assertThat(outcomes.get(4).error()).contains("MTU 10");
        assertThat(host.commands).isEmpty();
    }

    @Test
    void refusesAnInterfaceOfAnotherBridgeAndTwoNetworksOnOnePort() {
        host.with(new HostNic("eth2", "52:54:00:00:00:02", 1500, true, List.of(), NicKind.PHYSICAL, "br-other", null, null));

        List<BridgeOutcome> outcomes = bridges.ensureBridged(List.of(new BridgedNetwork("vn1111", "eth2", null, 1500),
                new BridgedNetwork("vn2222", "eth1", null, 1500), new BridgedNetwork("vn3333", "eth1", null, 1500)));

        assertThat(outcomes.get(0).error()).isEqualTo("eth2 is a port of br-other already");
        assertThat(outcomes.get(1).carried()).isTrue();
        assertThat(outcomes.get(2).error()).contains("eth1 is the port of another network's bridge");
        assertThat(host.nics).containsKey("vn2222").doesNotContainKeys("vn1111", "vn3333");
    }

    @Test
    void aFailingIpCallIsReportedAsTheNetworksRefusal() {
        host.failOn = "type bridge";

        assertThat(bridges.ensureBridged(List.of(new BridgedNetwork("vn4444", "eth1", null, 1500)))).singleElement()
                .satisfies(outcome -> assertThat(outcome.error()).contains("Operation not permitted"));
    }

    @Test
    void removesABridgeAndItsVlanButKeepsOneAVmStillUses() {
        bridges.ensureBridged(List.of(new BridgedNetwork("vn5555", "eth1", 7, 1500), new BridgedNetwork("vn6666", "eth0", 8, 1500)));
        host.with(new HostNic("vnet0", "fe:54:00:00:00:01", 1500, true, List.of(), NicKind.OTHER, "vn6666", null, null));
        host.commands.clear();

        List<BridgeOutcome> outcomes = bridges.ensureRemoved(List.of("vn5555", "vn6666", "vn7777", "virbr0"));

        assertThat(outcomes.get(0)).isEqualTo(new BridgeOutcome("vn5555", false, null));
        assertThat(outcomes.get(1).carried()).isTrue();
        assertThat(outcomes.get(1).error()).contains("vnet0");
        assertThat(outcomes.get(2)).isEqualTo(new BridgeOutcome("vn7777", false, null));
        assertThat(host.commands).containsExactly("link del dev eth1.7", "link del dev vn5555");
        assertThat(host.nics).containsKeys("eth1", "vn6666", "eth0.8").doesNotContainKeys("vn5555", "eth1.7");
    }
}
