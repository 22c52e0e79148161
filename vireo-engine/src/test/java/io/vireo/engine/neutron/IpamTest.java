package io.vireo.engine.neutron;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure address management of a subnet: ranges, gateways, pools, free and fixed addresses, overlaps on a router. */
class IpamTest {
    private static final Ipam.Cidr NET = Ipam.subnetCidr("10.0.0.0/24");

    @Test
    void aSubnetWithoutPoolsOffersEveryHostAddressButTheGateway() {
        Ipam.Plan plan = Ipam.plan(NET, new Ipam.Gateway.Auto(), null);
        assertThat(plan.gatewayText()).contains("10.0.0.1");
        assertThat(plan.pools()).extracting(Ipam.Pool::toString).containsExactly("10.0.0.2-10.0.0.254");

        Ipam.Plan middle = Ipam.plan(NET, new Ipam.Gateway.Given("10.0.0.100"), null);
        assertThat(middle.pools()).extracting(Ipam.Pool::toString).containsExactly("10.0.0.1-10.0.0.99", "10.0.0.101-10.0.0.254");

        Ipam.Plan none = Ipam.plan(NET, new Ipam.Gateway.None(), null);
        assertThat(none.gateway()).isEmpty();
        assertThat(none.pools()).extracting(Ipam.Pool::toString).containsExactly("10.0.0.1-10.0.0.254");
    }

    @Test
    void theFirstFreeAddressComesFromThePoolsInOrder() {
        Ipam.Plan plan = Ipam.plan(NET, new Ipam.Gateway.Given("10.0.0.1"), List.of(
                new Ipam.Pool(Ipam.parse("10.0.0.50", "p"), Ipam.parse("10.0.0.51", "p")),
                new Ipam.Pool(Ipam.parse("10.0.0.10", "p"), Ipam.parse("10.0.0.11", "p"))));
        assertThat(Ipam.firstFree(plan, Set.of())).contains("10.0.0.10");
        assertThat(Ipam.firstFree(plan, Set.of("10.0.0.10", "10.0.0.11"))).contains("10.0.0.50");
        assertThat(Ipam.firstFree(plan, Set.of("10.0.0.10", "10.0.0.11", "10.0.0.50", "10.0.0.51"))).isEmpty();
        Ipam.Plan tiny = Ipam.plan(Ipam.subnetCidr("192.168.7.0/30"), new Ipam.Gateway.Auto(), null);
        assertThat(Ipam.firstFree(tiny, Set.of())).contains("192.168.7.2");
        assertThat(Ipam.firstFree(tiny, Set.of("192.168.7.2"))).isEmpty();
    }

    @Test
    void aFixedIpMustBeAFreeHostAddressOfTheSubnet() {
        Ipam.Plan plan = Ipam.plan(NET, new Ipam.Gateway.Auto(), null);
        assertThat(Ipam.fixed(plan, "s1", "10.0.0.20", Set.of(), false)).isEqualTo("10.0.0.20");
        for (String outside : List.of("10.0.1.20", "10.0.0.0", "10.0.0.255", "not-an-ip", "10.0.0.256")) {
            assertThatThrownBy(() -> Ipam.fixed(plan, "s1", outside, Set.of(), false)).as(outside)
                    .isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(type(e)).isEqualTo("InvalidIpForSubnet"))
                    .hasMessageContaining("is not a valid IP for the specified subnet s1");
        }
        assertThatThrownBy(() -> Ipam.fixed(plan, "s1", "10.0.0.20", Set.of("10.0.0.20"), false))
                .isInstanceOf(ConflictException.class).hasMessage("IP address 10.0.0.20 already allocated in subnet s1.")
                .satisfies(e -> assertThat(type(e)).isEqualTo("IpAddressAlreadyAllocated"));
        // the gateway goes to a router's interface only
        assertThatThrownBy(() -> Ipam.fixed(plan, "s1", "10.0.0.1", Set.of(), false)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("the subnet's gateway");
        assertThat(Ipam.fixed(plan, "s1", "10.0.0.1", Set.of(), true)).isEqualTo("10.0.0.1");
    }

    @Test
    void badRangesGatewaysAndPoolsAreRefusedInNeutronsTerms() {
        assertThat(refusal(() -> Ipam.subnetCidr("10.0.0.5/24"))).isEqualTo("InvalidInput");
        assertThat(refusal(() -> Ipam.subnetCidr("10.0.0.0/31"))).isEqualTo("InvalidInput");
        assertThat(refusal(() -> Ipam.subnetCidr("10.0.0.0"))).isEqualTo("InvalidInput");
        assertThat(refusal(() -> Ipam.subnetCidr("300.0.0.0/24"))).isEqualTo("InvalidInput");
        assertThat(refusal(() -> Ipam.plan(NET, new Ipam.Gateway.Given("10.0.1.1"), null))).isEqualTo("InvalidInput");
        assertThat(refusal(() -> Ipam.plan(NET, new Ipam.Gateway.Given("10.0.0.255"), null))).isEqualTo("InvalidInput");
        assertThat(refusal(() -> Ipam.plan(NET, new Ipam.Gateway.Auto(), List.of(pool("10.0.0.200", "10.0.1.5")))))
                .isEqualTo("OutOfBoundsAllocationPool");
        assertThat(refusal(() -> Ipam.plan(NET, new Ipam.Gateway.Auto(), List.of(pool("10.0.0.20", "10.0.0.10")))))
                .isEqualTo("InvalidInput");
        assertThat(refusal(() -> Ipam.plan(NET, new Ipam.Gateway.Auto(), List.of(pool("10.0.0.10", "10.0.0.30"),
                pool("10.0.0.30", "10.0.0.40"))))).isEqualTo("OverlappingAllocationPools");
        assertThat(refusal(() -> Ipam.plan(NET, new Ipam.Gateway.Given("10.0.0.15"), List.of(pool("10.0.0.10", "10.0.0.30")))))
                .isEqualTo("GatewayConflictWithAllocationPools");
    }

    @Test
    void subnetsThatOverlapCannotShareARouter() {
        List<Ipam.Attached> attached = List.of(new Ipam.Attached("a", Ipam.subnetCidr("10.0.0.0/24")),
                new Ipam.Attached("b", Ipam.subnetCidr("10.1.0.0/16")));
        Ipam.checkNoOverlap("r", new Ipam.Attached("c", Ipam.subnetCidr("10.2.0.0/24")), attached);
        Ipam.checkNoOverlap("r", new Ipam.Attached("d", Ipam.subnetCidr("10.0.1.0/24")), attached);
        assertThatThrownBy(() -> Ipam.checkNoOverlap("r", new Ipam.Attached("e", Ipam.subnetCidr("10.1.5.0/24")), attached))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Bad router request: Cidr 10.1.5.0/24 of subnet e overlaps with cidr 10.1.0.0/16 of subnet b on "
                        + "router r.")
                .satisfies(e -> assertThat(type(e)).isEqualTo("BadRequest"));
        assertThatThrownBy(() -> Ipam.checkNoOverlap("r", new Ipam.Attached("f", Ipam.subnetCidr("10.0.0.0/16")), attached))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void addressesReadAndPrintAsDottedQuads() {
        assertThat(Ipam.format(Ipam.parse("192.0.2.255", "x"))).isEqualTo("192.0.2.255");
        assertThat(Ipam.parse("0.0.0.1", "x")).isEqualTo(1L);
        assertThat(Ipam.parse("255.255.255.255", "x")).isEqualTo(0xFFFFFFFFL);
        assertThat(refusal(() -> Ipam.parse("01.2.3.4", "x"))).isEqualTo("InvalidInput");
        assertThat(refusal(() -> Ipam.parse("1.2.3", "x"))).isEqualTo("InvalidInput");
        assertThat(refusal(() -> Ipam.parse(null, "x"))).isEqualTo("InvalidInput");
        assertThat(Ipam.subnetCidr("172.16.0.0/12").broadcast()).isEqualTo(Ipam.parse("172.31.255.255", "x"));
        assertThat(Optional.of(Ipam.subnetCidr("172.16.0.0/12").toString())).contains("172.16.0.0/12");
    }

    private static Ipam.Pool pool(String start, String end) {
        return new Ipam.Pool(Ipam.parse(start, "p"), Ipam.parse(end, "p"));
    }

    private static String refusal(Runnable action) {
        try {
            action.run();
        } catch (DomainException e) {
            return type(e);
        }
        throw new AssertionError("not refused");
    }

    private static String type(Throwable e) {
        return String.valueOf(((DomainException) e).details().get(NeutronErrors.TYPE));
    }
}
