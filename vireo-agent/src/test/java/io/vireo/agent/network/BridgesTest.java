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
    private final Bridges bridges = new Bridges(host);

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

    @Test
    void refusesToEnslaveAnInterfaceThatCarriesAnAddressAndTouchesNothing() {
        List<BridgeOutcome> outcomes = bridges.ensureBridged(List.of(new BridgedNetwork("vnbbbb", "eth0", null, 1500)));

        assertThat(outcomes).singleElement().satisfies(outcome -> {
            assertThat(outcome.carried()).isFalse();
            assertThat(outcome.error()).contains("eth0 carries 10.231.0.1/24").contains("cut it off the engine");
        });
        assertThat(host.commands).isEmpty();
        assertThat(host.nics).doesNotContainKey("vnbbbb");
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
