package io.vireo.engine.networks;

import io.vireo.engine.networks.OverlayPlan.PlanFixedIp;
import io.vireo.engine.networks.OverlayPlan.PlanFloatingIp;
import io.vireo.engine.networks.OverlayPlan.PlanHost;
import io.vireo.engine.networks.OverlayPlan.PlanNetwork;
import io.vireo.engine.networks.OverlayPlan.PlanPort;
import io.vireo.engine.networks.OverlayPlan.PlanRouter;
import io.vireo.engine.networks.OverlayPlan.PlanRule;
import io.vireo.engine.networks.OverlayPlan.PlanSubnet;
import io.vireo.engine.networks.OverlayPlan.Snapshot;
import io.vireo.model.rpc.DhcpService;
import io.vireo.model.rpc.OverlayRouter;
import io.vireo.model.rpc.OverlaySegment;
import io.vireo.model.rpc.OverlayState;
import io.vireo.model.rpc.PortFilter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** OverlayPlan, a pure function: where the provider's pieces go and what each host is told. */
class OverlayPlanTest {
    private static final String NET = "11111111-aaaa-4aaa-8aaa-000000000001";
    private static final String NET2 = "12111111-aaaa-4aaa-8aaa-000000000002";
    private static final String EXT = "22222222-bbbb-4bbb-8bbb-000000000001";
    private static final String SUB = "33333333-cccc-4ccc-8ccc-000000000001";
    private static final String SUB2 = "33333333-cccc-4ccc-8ccc-000000000002";
    private static final String EXT_SUB = "33333333-cccc-4ccc-8ccc-000000000003";
    private static final String VM1_PORT = "41444444-dddd-4ddd-8ddd-000000000001";
    private static final String VM2_PORT = "42444444-dddd-4ddd-8ddd-000000000002";
    private static final String VM3_PORT = "43444444-dddd-4ddd-8ddd-000000000003";
    private static final String DHCP_PORT = "4d444444-dddd-4ddd-8ddd-0000000000d1";
    private static final String ROUTER = "55555555-eeee-4eee-8eee-000000000001";
    private static final String SG = "66666666-ffff-4fff-8fff-000000000001";

    private static final PlanHost A = new PlanHost("a0000000-0000-4000-8000-000000000001", "10.231.0.1", Set.of("vn0000000001"));
    private static final PlanHost B = new PlanHost("b0000000-0000-4000-8000-000000000002", "10.231.0.2", Set.of());
    private static final PlanHost C = new PlanHost("c0000000-0000-4000-8000-000000000003", "10.231.0.3", Set.of());

    private static final PlanNetwork NETWORK = new PlanNetwork(NET, "vxlan", 1001, 1450, null);
    private static final PlanNetwork NETWORK2 = new PlanNetwork(NET2, "vxlan", 1002, 1450, null);
    private static final PlanNetwork EXTERNAL = new PlanNetwork(EXT, "flat", 0, 1500, "vn0000000001");
    private static final PlanSubnet SUBNET = new PlanSubnet(SUB, NET, "10.0.0.0/24", "10.0.0.1", List.of("10.0.0.2"), true);
    private static final PlanSubnet SUBNET2 = new PlanSubnet(SUB2, NET2, "10.0.1.0/24", "10.0.1.1", List.of(), true);
    private static final PlanSubnet EXT_SUBNET = new PlanSubnet(EXT_SUB, EXT, "10.231.128.0/24", "10.231.128.254", List.of(), false);

    private static PlanPort vmPort(String id, String network, String subnet, String ip, String mac, Set<String> hosts) {
        return new PlanPort(id, network, mac, List.of(new PlanFixedIp(subnet, ip)), "compute:vireo", "vm-" + id, true,
                List.of(SG), hosts);
    }

    private static final PlanPort DHCP = new PlanPort(DHCP_PORT, NET, "fa:16:3e:00:00:d1", List.of(new PlanFixedIp(SUB, "10.0.0.2")),
            "network:dhcp", "dhcp", false, List.of(), Set.of());

    private static final List<PlanRule> DEFAULT_RULES = List.of(
            new PlanRule(SG, "egress", "IPv4", null, null, null, null, null),
            new PlanRule(SG, "egress", "IPv6", null, null, null, null, null),
            new PlanRule(SG, "ingress", "IPv4", null, null, null, null, SG));

    private static Snapshot snapshot(List<PlanHost> hosts, List<PlanPort> ports) {
        return new Snapshot(hosts, List.of(NETWORK, NETWORK2, EXTERNAL), List.of(SUBNET, SUBNET2, EXT_SUBNET), ports, List.of(),
                DEFAULT_RULES, List.of());
    }

    @Test
    void twoVmsOnTwoHostsShareASegmentWithEachOtherAsPeerAndOneDhcpService() {
        PlanPort vm1 = vmPort(VM1_PORT, NET, SUB, "10.0.0.5", "56:6f:00:00:00:01", Set.of(A.id()));
        PlanPort vm2 = vmPort(VM2_PORT, NET, SUB, "10.0.0.6", "56:6f:00:00:00:02", Set.of(B.id()));
        OverlayPlan.Result result = OverlayPlan.plan(snapshot(List.of(A, B, C), List.of(vm1, vm2, DHCP)));

        OverlayState a = result.states().get(A.id());
        OverlayState b = result.states().get(B.id());
        String dhcpHost = result.dhcpHosts().get(NET);
        assertThat(dhcpHost).isIn(A.id(), B.id(), C.id());
        List<String> carriers = new ArrayList<>(List.of(A.id(), B.id()));
        if (!carriers.contains(dhcpHost)) {
            carriers.add(dhcpHost);
        }
        for (String carrier : carriers) {
            OverlayState state = result.states().get(carrier);
            assertThat(state.segments()).hasSize(1);
            OverlaySegment segment = state.segments().getFirst();
            assertThat(segment.vni()).isEqualTo(1001);
            assertThat(segment.bridge()).isEqualTo("brq11111111-aa");
            assertThat(segment.vxlanDevice()).isEqualTo("vxlan-1001");
            assertThat(segment.mtu()).isEqualTo(1450);
            assertThat(segment.peers()).hasSize(carriers.size() - 1).doesNotContain(state.localIp());
        }
        assertThat(a.localIp()).isEqualTo("10.231.0.1");
        assertThat(a.ports()).extracting(PortFilter::portId).containsExactly(VM1_PORT);
        assertThat(b.ports()).extracting(PortFilter::portId).containsExactly(VM2_PORT);
        assertThat(a.ports().getFirst().tap()).isEqualTo("tap41444444-dd");

        DhcpService dhcp = result.states().get(dhcpHost).dhcp().getFirst();
        assertThat(dhcp.namespace()).isEqualTo("qdhcp-" + NET);
        assertThat(dhcp.device()).isEqualTo("tap4d444444-dd");
        assertThat(dhcp.address()).isEqualTo("10.0.0.2/24");
        assertThat(dhcp.hosts()).containsExactly(new DhcpService.DhcpHost("56:6f:00:00:00:01", "10.0.0.5", "host-10-0-0-5"),
                new DhcpService.DhcpHost("56:6f:00:00:00:02", "10.0.0.6", "host-10-0-0-6"));
        assertThat(dhcp.subnets()).containsExactly(new DhcpService.DhcpSubnet(SUB, "10.0.0.0/24", "10.0.0.1", List.of("10.0.0.2"),
                OverlayPlan.LEASE_SECONDS));
        assertThat(result.states().values().stream().mapToLong(s -> s.dhcp().size()).sum()).isEqualTo(1);
    }

    @Test
    void aHostWithNothingGetsAnEmptyStateSoItRemovesWhatItHad() {
        PlanPort vm1 = vmPort(VM1_PORT, NET, SUB, "10.0.0.5", "56:6f:00:00:00:01", Set.of(A.id()));
        OverlayPlan.Result result = OverlayPlan.plan(snapshot(List.of(A, B), List.of(vm1)));
        assertThat(result.states()).containsOnlyKeys(A.id(), B.id());
        OverlayState b = result.states().get(B.id());
        assertThat(b.segments()).isEmpty();
        assertThat(b.dhcp()).isEmpty();
        assertThat(b.routers()).isEmpty();
        assertThat(b.ports()).isEmpty();
        // a network without a DHCP port has no DHCP service anywhere, and the lone host has no peer
        assertThat(result.dhcpHosts()).isEmpty();
        assertThat(result.states().get(A.id()).segments().getFirst().peers()).isEmpty();
    }

    @Test
    void aMigratingVmsPortIsWiredOnBothHosts() {
        PlanPort vm1 = vmPort(VM1_PORT, NET, SUB, "10.0.0.5", "56:6f:00:00:00:01", Set.of(A.id(), B.id()));
        OverlayPlan.Result result = OverlayPlan.plan(snapshot(List.of(A, B), List.of(vm1)));
        assertThat(result.states().get(A.id()).ports()).extracting(PortFilter::portId).containsExactly(VM1_PORT);
        assertThat(result.states().get(B.id()).ports()).extracting(PortFilter::portId).containsExactly(VM1_PORT);
        assertThat(result.states().get(A.id()).segments().getFirst().peers()).containsExactly("10.231.0.2");
        assertThat(result.states().get(B.id()).segments().getFirst().peers()).containsExactly("10.231.0.1");
    }

    @Test
    void securityGroupRulesResolveRemoteGroupsToMemberAddressesAndDropIpv6() {
        PlanPort vm1 = vmPort(VM1_PORT, NET, SUB, "10.0.0.5", "56:6f:00:00:00:01", Set.of(A.id()));
        PlanPort vm2 = vmPort(VM2_PORT, NET, SUB, "10.0.0.6", "56:6f:00:00:00:02", Set.of(B.id()));
        PlanPort open = new PlanPort(VM3_PORT, NET, "56:6f:00:00:00:03", List.of(new PlanFixedIp(SUB, "10.0.0.7")), "compute:vireo",
                "vm3", false, List.of(SG), Set.of(A.id()));
        List<PlanRule> rules = new ArrayList<>(DEFAULT_RULES);
        rules.add(new PlanRule(SG, "ingress", "IPv4", "tcp", 22, 22, "192.0.2.0/24", null));
        rules.add(new PlanRule("another-group", "ingress", "IPv4", "udp", 53, 53, null, null));
        Snapshot snapshot = new Snapshot(List.of(A, B), List.of(NETWORK), List.of(SUBNET), List.of(vm1, vm2, open), List.of(), rules,
                List.of());
        PortFilter filter = OverlayPlan.plan(snapshot).states().get(A.id()).ports().stream()
                .filter(p -> p.portId().equals(VM1_PORT)).findFirst().orElseThrow();
        assertThat(filter.mac()).isEqualTo("56:6f:00:00:00:01");
        assertThat(filter.fixedIps()).containsExactly("10.0.0.5");
        assertThat(filter.portSecurity()).isTrue();
        // the group's members are every port in it, with or without port security
        assertThat(filter.rules()).containsExactly(
                new PortFilter.FilterRule("egress", null, null, null, null),
                new PortFilter.FilterRule("ingress", null, null, null, List.of("10.0.0.5/32", "10.0.0.6/32", "10.0.0.7/32")),
                new PortFilter.FilterRule("ingress", "tcp", 22, 22, List.of("192.0.2.0/24")));
        PortFilter unfiltered = OverlayPlan.plan(snapshot).states().get(A.id()).ports().stream()
                .filter(p -> p.portId().equals(VM3_PORT)).findFirst().orElseThrow();
        assertThat(unfiltered.portSecurity()).isFalse();
        assertThat(unfiltered.rules()).isEmpty();
    }

    @Test
    void aRouterWithAGatewayGoesToAHostCarryingTheExternalBridgeWithItsInterfacesFloatingIpsAndSnat() {
        PlanPort vm1 = vmPort(VM1_PORT, NET, SUB, "10.0.0.5", "56:6f:00:00:00:01", Set.of(B.id()));
        PlanPort vm3 = vmPort(VM3_PORT, NET2, SUB2, "10.0.1.5", "56:6f:00:00:00:03", Set.of(C.id()));
        PlanPort qr1 = new PlanPort("77777777-0000-4000-8000-000000000001", NET, "fa:16:3e:00:01:01",
                List.of(new PlanFixedIp(SUB, "10.0.0.1")), "network:router_interface", ROUTER, false, List.of(), Set.of());
        PlanPort qr2 = new PlanPort("77777772-0000-4000-8000-000000000002", NET2, "fa:16:3e:00:01:02",
                List.of(new PlanFixedIp(SUB2, "10.0.1.1")), "network:router_interface", ROUTER, false, List.of(), Set.of());
        PlanPort qg = new PlanPort("88888888-0000-4000-8000-000000000001", EXT, "fa:16:3e:00:02:01",
                List.of(new PlanFixedIp(EXT_SUB, "10.231.128.10")), "network:router_gateway", ROUTER, false, List.of(), Set.of());
        PlanFloatingIp fip = new PlanFloatingIp("10.231.128.11", VM1_PORT, "10.0.0.5", ROUTER);
        PlanFloatingIp unattached = new PlanFloatingIp("10.231.128.12", null, null, null);
        Snapshot snapshot = new Snapshot(List.of(A, B, C), List.of(NETWORK, NETWORK2, EXTERNAL), List.of(SUBNET, SUBNET2, EXT_SUBNET),
                List.of(vm1, vm3, qr1, qr2, qg), List.of(new PlanRouter(ROUTER, true, true)), DEFAULT_RULES, List.of(fip, unattached));

        OverlayPlan.Result result = OverlayPlan.plan(snapshot);
        // only A carries the external network's bridge
        assertThat(result.routerHosts()).containsEntry(ROUTER, A.id());
        OverlayState a = result.states().get(A.id());
        OverlayRouter router = a.routers().getFirst();
        assertThat(router.namespace()).isEqualTo("qrouter-" + ROUTER);
        assertThat(router.interfaces()).containsExactly(
                // in the order of their ports' ids
                new OverlayRouter.RouterInterface("qr-77777772-00", OverlayPlan.vxlanBridge(NET2), "fa:16:3e:00:01:02",
                        "10.0.1.1/24", 1450),
                new OverlayRouter.RouterInterface("qr-77777777-00", "brq11111111-aa", "fa:16:3e:00:01:01", "10.0.0.1/24", 1450));
        assertThat(router.gateway()).isEqualTo(new OverlayRouter.RouterGateway("qg-88888888-00", "vn0000000001", "fa:16:3e:00:02:01",
                "10.231.128.10/24", "10.231.128.254", true, 1500));
        assertThat(router.floatingIps()).containsExactly(new OverlayRouter.FloatingIpMapping("10.231.128.11", "10.0.0.5"));
        // the router's host carries both inner segments, with the VMs' hosts as peers
        assertThat(a.segments()).extracting(OverlaySegment::vni).containsExactly(1001, 1002);
        assertThat(a.segments().get(0).peers()).containsExactly("10.231.0.2");
        assertThat(a.segments().get(1).peers()).containsExactly("10.231.0.3");
        assertThat(result.states().get(B.id()).segments().getFirst().peers()).containsExactly("10.231.0.1");
        // no host carries the flat network as a segment: it is a host network's bridge
        assertThat(result.states().values()).allSatisfy(s -> assertThat(s.segments()).extracting(OverlaySegment::vni)
                .doesNotContain(0));
    }

    @Test
    void aRouterThatNoHostCanTakeIsPlacedNowhere() {
        PlanPort qg = new PlanPort("88888888-0000-4000-8000-000000000001", EXT, "fa:16:3e:00:02:01",
                List.of(new PlanFixedIp(EXT_SUB, "10.231.128.10")), "network:router_gateway", ROUTER, false, List.of(), Set.of());
        Snapshot snapshot = new Snapshot(List.of(B, C), List.of(EXTERNAL), List.of(EXT_SUBNET), List.of(qg),
                List.of(new PlanRouter(ROUTER, true, true)), List.of(), List.of());
        OverlayPlan.Result result = OverlayPlan.plan(snapshot);
        assertThat(result.routerHosts()).isEmpty();
        assertThat(result.states().values()).allSatisfy(s -> assertThat(s.routers()).isEmpty());
    }

    @Test
    void placementIsStableAndMovesOnlyWhenItsHostGoes() {
        List<PlanHost> hosts = IntStream.range(0, 10).mapToObj(i -> new PlanHost("h" + i, "10.231.0." + (i + 1), Set.of())).toList();
        int moved = 0;
        for (int n = 0; n < 200; n++) {
            String object = "object-" + n;
            String chosen = OverlayPlan.choose(object, hosts).orElseThrow();
            assertThat(OverlayPlan.choose(object, hosts.reversed())).contains(chosen);
            List<PlanHost> withoutH3 = hosts.stream().filter(h -> !h.id().equals("h3")).toList();
            String after = OverlayPlan.choose(object, withoutH3).orElseThrow();
            if (!chosen.equals("h3")) {
                assertThat(after).isEqualTo(chosen);
            } else {
                moved++;
            }
        }
        // about a tenth of the objects lived on h3 and moved: spread, not all on one host
        assertThat(moved).isBetween(5, 45);
        assertThat(OverlayPlan.choose("x", List.of())).isEmpty();
    }

    @Test
    void aDisabledRouterIsNowhere() {
        PlanPort qr1 = new PlanPort("77777777-0000-4000-8000-000000000001", NET, "fa:16:3e:00:01:01",
                List.of(new PlanFixedIp(SUB, "10.0.0.1")), "network:router_interface", ROUTER, false, List.of(), Set.of());
        Snapshot snapshot = new Snapshot(List.of(A), List.of(NETWORK), List.of(SUBNET), List.of(qr1),
                List.of(new PlanRouter(ROUTER, false, true)), List.of(), List.of());
        assertThat(OverlayPlan.plan(snapshot).states().get(A.id()).routers()).isEmpty();
        assertThat(Map.copyOf(OverlayPlan.plan(snapshot).routerHosts())).isEmpty();
    }
}
