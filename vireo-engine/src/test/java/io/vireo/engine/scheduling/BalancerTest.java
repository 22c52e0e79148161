package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.hostGroup;
import static io.vireo.engine.scheduling.Clusters.id;
import static io.vireo.engine.scheduling.Clusters.vm;
import static io.vireo.engine.scheduling.Clusters.vmGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class BalancerTest {
    private final Balancer balancer = new Balancer(new Scheduler());

    private static ProposedMigration move(String vm, String from, String to, String reason) {
        return new ProposedMigration(id(vm), id(from), id(to), reason);
    }

    @Test
    void evenlyDistributedMovesTheSmallestVmOffAnOverloadedHostToTheLeastLoaded() {
        ClusterSnapshot snapshot = cluster("evenly_distributed")
                .hosts(host("h1").load(95), host("h2").load(20), host("h3").load(40))
                .vms(vm("big").on("h1").memory(4096), vm("small").on("h1").memory(1024)).build();
        // small carries half of h1's 95%: 47.5% stays, under the threshold, so one move is enough.
        assertThat(balancer.propose(snapshot, 10)).containsExactly(
                move("small", "h1", "h2", "host h1 runs at 95% CPU, above the high utilization of 80%"));
    }

    @Test
    void evenlyDistributedNeverPushesATargetAboveTheThreshold() {
        ClusterSnapshot snapshot = cluster("evenly_distributed")
                .hosts(host("h1").load(95), host("h2").load(75))
                .vms(vm("a").on("h1"), vm("b").on("h1")).build();
        assertThat(balancer.propose(snapshot, 10)).isEmpty();
    }

    @Test
    void hostsThatCannotGiveVmsAwayAreLeftAlone() {
        ClusterSnapshot snapshot = cluster("evenly_distributed")
                .hosts(host("h1").load(95).disconnected(), host("h2").load(95).maintenance(), host("h3").load(0))
                .vms(vm("a").on("h1"), vm("b").on("h2")).build();
        assertThat(balancer.propose(snapshot, 10)).isEmpty();
    }

    @Test
    void powerSavingEmptiesAnUnderusedHostOntoBusyHostsSmallestVmFirst() {
        ClusterSnapshot snapshot = cluster("power_saving")
                .hosts(host("h1").load(5), host("h2").load(50), host("h3").load(0))
                .vms(vm("a").on("h1").memory(2048), vm("b").on("h1").memory(1024), vm("c").on("h2").vcpus(16)).build();
        String reason = "host h1 runs at 5% CPU, below the low utilization of 20%: power saving empties it";
        // h3 runs nothing: waking it would save no power, so it takes nothing.
        assertThat(balancer.propose(snapshot, 10)).containsExactly(move("b", "h1", "h2", reason), move("a", "h1", "h2", reason));
    }

    @Test
    void powerSavingEmptiesNothingUnlessEveryVmFitsElsewhere() {
        ClusterSnapshot snapshot = cluster("power_saving")
                .hosts(host("h1").load(5), host("h2").load(50).memory(65_536, 60_000))
                .vms(vm("small").on("h1").memory(1024), vm("huge").on("h1").memory(8192), vm("c").on("h2")).build();
        assertThat(balancer.propose(snapshot, 10)).isEmpty();
    }

    @Test
    void powerSavingAlsoRelievesOverloadedHostsOntoTheBusiestThatStaysUnderTheThreshold() {
        ClusterSnapshot snapshot = cluster("power_saving")
                .hosts(host("h1").load(90), host("h2").load(30), host("h3").load(60))
                .vms(vm("a").on("h1").vcpus(1), vm("b").on("h1").vcpus(8), vm("c").on("h2"), vm("d").on("h3")).build();
        // a carries 10% of h1's load: h3 (60%) is the busiest that stays under 80% once it has it.
        assertThat(balancer.propose(snapshot, 1)).containsExactly(
                move("a", "h1", "h3", "host h1 runs at 90% CPU, above the high utilization of 80%"));
    }

    @Test
    void vmEvenlyDistributedMovesFromTheBusiestHostUntilTheSpreadIsWithinTheThreshold() {
        ClusterSnapshot snapshot = cluster("vm_evenly_distributed").hosts(host("h1"), host("h2"), host("h3"))
                .vms(vms("a", 12, "h1")).vms(vms("b", 2, "h2")).vms(vms("c", 5, "h3")).build();
        String first = "host h1 runs 12 VMs, above the high VM count of 10 and more than 5 beyond the least busy host (2)";
        String second = "host h1 runs 11 VMs, above the high VM count of 10 and more than 5 beyond the least busy host (3)";
        assertThat(balancer.propose(snapshot, 10)).containsExactly(move("a00", "h1", "h2", first), move("a01", "h1", "h2", second));
    }

    @Test
    void vmEvenlyDistributedLeavesANarrowSpreadAlone() {
        ClusterSnapshot snapshot = cluster("vm_evenly_distributed").parameter("spreadThreshold", "20")
                .hosts(host("h1"), host("h2")).vms(vms("a", 12, "h1")).build();
        assertThat(balancer.propose(snapshot, 10)).isEmpty();
    }

    @Test
    void everyPolicyGathersASplitPositiveSoftGroupOnTheHostWithMostMembers() {
        for (String policy : SchedulingPolicy.NAMES) {
            ClusterSnapshot snapshot = cluster(policy).hosts(host("h1"), host("h2"))
                    .vms(vm("app1").on("h1"), vm("app2").on("h2"), vm("app3").on("h2"))
                    .groups(vmGroup("app", true, false, "app1", "app2", "app3")).build();
            assertThat(balancer.propose(snapshot, 10)).as(policy)
                    .containsExactly(move("app1", "h1", "h2", "VM app1 joins its affinity group app on host h2"));
        }
    }

    @Test
    void separatesMembersOfANegativeSoftGroupCheapestFirst() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"))
                .vms(vm("db1").on("h1").memory(4096), vm("db2").on("h1").memory(2048))
                .groups(vmGroup("db-apart", false, false, "db1", "db2")).build();
        assertThat(balancer.propose(snapshot, 10)).containsExactly(move("db2", "h1", "h2",
                "VM db2 shares host h1 with another member of affinity group db-apart, which keeps its VMs apart"));
    }

    @Test
    void bringsVmsOntoAndOffTheHostsOfSoftHostGroups() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"), host("h3"))
                .vms(vm("lic1").on("h1"), vm("noisy").on("h3"))
                .groups(hostGroup("licensed", true, false, List.of("lic1"), List.of("h2")),
                        hostGroup("quiet-h3", false, false, List.of("noisy"), List.of("h3")))
                .build();
        assertThat(balancer.propose(snapshot, 10)).containsExactly(
                move("lic1", "h1", "h2", "VM lic1 runs off the hosts of affinity group licensed"),
                move("noisy", "h3", "h1", "VM noisy runs on the hosts of affinity group quiet-h3"));
    }

    @Test
    void leavesASoftViolationWhenNoHostCanTakeTheVm() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").memory(4096, 4096), host("h2"))
                .vms(vm("app1").on("h1").memory(0), vm("app2").on("h1").memory(0), vm("app3").on("h2"))
                .groups(vmGroup("app", true, false, "app1", "app2", "app3")).build();
        assertThat(balancer.propose(snapshot, 10)).isEmpty();
    }

    @Test
    void neverProposesMoreThanAllowed() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"), host("h3"), host("h4"))
                .vms(vm("a").on("h1"), vm("b").on("h1"), vm("c").on("h1"), vm("d").on("h1"))
                .groups(vmGroup("apart", false, false, "a", "b", "c", "d")).build();
        assertThat(balancer.propose(snapshot, 2)).hasSize(2);
        assertThat(balancer.propose(snapshot, 10)).hasSize(3);
        assertThat(balancer.propose(snapshot, 0)).isEmpty();
        assertThatThrownBy(() -> balancer.propose(snapshot, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverBreaksAHardNegativeGroup() {
        ClusterSnapshot snapshot = cluster("evenly_distributed")
                .hosts(host("h1").load(95), host("h2").load(0), host("h3").load(30))
                .vms(vm("db1").on("h1").vcpus(1).memory(512), vm("x").on("h1").vcpus(7).memory(8192), vm("db2").on("h2"))
                .groups(vmGroup("db-apart", false, true, "db1", "db2")).build();
        // h2 is the least loaded, but db2 runs there; x, the rest of h1's load, fits nowhere under 80%.
        assertThat(balancer.propose(snapshot, 10)).extracting(ProposedMigration::vmId, ProposedMigration::toHostId)
                .containsExactly(tuple(id("db1"), id("h3")));
    }

    @Test
    void neverSplitsAHardPositiveGroup() {
        ClusterSnapshot snapshot = cluster("evenly_distributed")
                .hosts(host("h1").load(95), host("h2").load(0))
                .vms(vm("app1").on("h1").memory(512), vm("app2").on("h1").memory(512), vm("other").on("h1").memory(8192))
                .groups(vmGroup("app", true, true, "app1", "app2")).build();
        assertThat(balancer.propose(snapshot, 10)).extracting(ProposedMigration::vmId).containsExactly(id("other"));
    }

    @Test
    void neverMovesAVmOntoAHostItsHardHostGroupForbids() {
        ClusterSnapshot snapshot = cluster("vm_evenly_distributed").hosts(host("h1"), host("h2"), host("h3"))
                .vms(vms("a", 12, "h1")).vms(vms("b", 5, "h3"))
                .groups(hostGroup("not-h2", false, true, List.of("a00", "a01", "a02", "a03", "a04", "a05", "a06", "a07",
                        "a08", "a09", "a10", "a11"), List.of("h2")))
                .build();
        // h2 runs nothing, yet only h3 may take h1's VMs.
        assertThat(balancer.propose(snapshot, 10)).extracting(ProposedMigration::toHostId).containsExactly(id("h3"), id("h3"));
    }

    private static Clusters.VmBuilder[] vms(String prefix, int count, String hostName) {
        Clusters.VmBuilder[] builders = new Clusters.VmBuilder[count];
        for (int i = 0; i < count; i++) {
            builders[i] = vm(prefix + String.format("%02d", i)).on(hostName);
        }
        return builders;
    }
}
