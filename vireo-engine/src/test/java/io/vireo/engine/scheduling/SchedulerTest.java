package io.vireo.engine.scheduling;

import io.vireo.model.HostStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.hostGroup;
import static io.vireo.engine.scheduling.Clusters.id;
import static io.vireo.engine.scheduling.Clusters.vm;
import static io.vireo.engine.scheduling.Clusters.vmGroup;
import static io.vireo.engine.scheduling.Clusters.vmOf;
import static org.assertj.core.api.Assertions.assertThat;

class SchedulerTest {
    private final Scheduler scheduler = new Scheduler();

    private String chosen(ClusterSnapshot snapshot, VmRequest vm) {
        Decision decision = scheduler.schedule(snapshot, vm, Set.of());
        assertThat(decision).isInstanceOf(Decision.Chosen.class);
        return ((Decision.Chosen) decision).hostName();
    }

    @Test
    void noneSpreadsByFreeMemory() {
        ClusterSnapshot snapshot = cluster("none")
                .hosts(host("h1").memory(8192, 4096).load(0), host("h2").memory(8192, 1024).load(90)).build();
        assertThat(chosen(snapshot, vm("web1").build())).isEqualTo("h2");
    }

    @Test
    void evenlyDistributedPrefersTheLeastLoadedCpu() {
        ClusterSnapshot snapshot = cluster("evenly_distributed")
                .hosts(host("h1").load(70).memory(8192, 0), host("h2").load(20).memory(8192, 4096)).build();
        assertThat(chosen(snapshot, vm("web1").build())).isEqualTo("h2");
    }

    @Test
    void powerSavingPacksOntoTheBusiestHostStillUnderTheHighUtilization() {
        ClusterSnapshot snapshot = cluster("power_saving")
                .hosts(host("h1").load(10), host("h2").load(60), host("h3").load(90)).build();
        assertThat(chosen(snapshot, vm("web1").build())).isEqualTo("h2");
    }

    @Test
    void powerSavingTakesItsHighUtilizationFromTheParameters() {
        ClusterSnapshot snapshot = cluster("power_saving").parameter("highUtilization", "50")
                .hosts(host("h1").load(30), host("h2").load(60)).build();
        assertThat(chosen(snapshot, vm("web1").build())).isEqualTo("h1");
    }

    @Test
    void vmEvenlyDistributedPrefersTheHostWithFewestVms() {
        ClusterSnapshot snapshot = cluster("vm_evenly_distributed").hosts(host("h1").vmCount(5), host("h2").vmCount(2)).build();
        assertThat(chosen(snapshot, vm("web1").build())).isEqualTo("h2");
    }

    @Test
    void aPreferredHostWinsOverLoad() {
        ClusterSnapshot snapshot = cluster("evenly_distributed").hosts(host("h1").load(0), host("h2").load(50)).build();
        assertThat(chosen(snapshot, vm("web1").prefers("h2").build())).isEqualTo("h2");
    }

    @Test
    void softAffinityWinsOverLoad() {
        ClusterSnapshot snapshot = cluster("evenly_distributed").hosts(host("h1").load(0), host("h2").load(70))
                .vms(vm("app1").on("h2"), vm("web1"), vm("batch1"))
                .groups(vmGroup("web-with-app", true, false, "web1", "app1"),
                        hostGroup("batch-on-h2", true, false, List.of("batch1"), List.of("h2")))
                .build();
        assertThat(chosen(snapshot, vmOf(snapshot, "web1"))).isEqualTo("h2");
        assertThat(chosen(snapshot, vmOf(snapshot, "batch1"))).isEqualTo("h2");
    }

    @Test
    void tiesGoToTheFirstHostByNameWhateverTheOrderGiven() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("c"), host("a"), host("b")).build();
        assertThat(chosen(snapshot, vm("web1").build())).isEqualTo("a");
        assertThat(scheduler.rank(snapshot, vm("web1").build(), Set.of())).extracting(HostScore::hostName)
                .containsExactly("a", "b", "c");
    }

    @Test
    void aRefusalSaysHostByHostWhatStoodInTheWay() {
        ClusterSnapshot snapshot = cluster("none")
                .hosts(host("h1").memory(4096, 3584), host("h2"), host("h3").status(HostStatus.NON_RESPONSIVE), host("h4"))
                .vms(vm("db1").on("h2").memory(512), vm("web1").memory(1024))
                .groups(vmGroup("db-apart", false, true, "db1", "web1"))
                .build();
        Decision decision = scheduler.schedule(snapshot, vmOf(snapshot, "web1"), Set.of(id("h4")));
        assertThat(decision).isEqualTo(new Decision.Refused("No host can run VM web1: "
                + "h1: not enough memory (512 MiB free, 1024 needed); "
                + "h2: the VM must not run with db1 (affinity group db-apart); "
                + "h3: it is non-responsive; "
                + "h4: excluded from this request",
                List.of(new Rejection(id("h1"), "h1", "memory", "not enough memory (512 MiB free, 1024 needed)"),
                        new Rejection(id("h2"), "h2", "vm-affinity", "the VM must not run with db1 (affinity group db-apart)"),
                        new Rejection(id("h3"), "h3", "availability", "it is non-responsive"),
                        new Rejection(id("h4"), "h4", "excluded", "excluded from this request"))));
    }

    @Test
    void anEmptyClusterRefusesInASentenceToo() {
        Decision decision = scheduler.schedule(cluster("none").build(), vm("web1").build(), Set.of());
        assertThat(((Decision.Refused) decision).message()).isEqualTo("No host can run VM web1: the cluster has no hosts");
    }

    @Test
    void aMigratingVmGoesElsewhereAndItsOwnMemoryDoesNotCountAgainstTheTarget() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").memory(4096, 0), host("h2").memory(4096, 0))
                .vms(vm("big").on("h1").memory(4096)).build();
        assertThat(chosen(snapshot, vmOf(snapshot, "big"))).isEqualTo("h2");
    }

    @Test
    void rankListsEveryAcceptableHostBestFirstWithEachWeightsPart() {
        ClusterSnapshot snapshot = cluster("evenly_distributed")
                .hosts(host("h1").load(50).memory(8192, 0), host("h2").load(0).memory(8192, 0), host("h3").disconnected())
                .build();
        List<HostScore> ranking = scheduler.rank(snapshot, vm("web1").memory(2048).build(), Set.of());
        assertThat(ranking).extracting(HostScore::hostName).containsExactly("h2", "h1");
        HostScore best = ranking.getFirst();
        assertThat(best.weights()).containsEntry("cpu-load", 2.0).containsEntry("free-memory", 0.75)
                .containsEntry("preferred-host", 0.0);
        assertThat(best.total()).isEqualTo(2.75);
        Decision decision = scheduler.schedule(snapshot, vm("web1").memory(2048).build(), Set.of());
        assertThat(decision).isEqualTo(new Decision.Chosen(id("h2"), "h2", 2.75));
    }

    @Test
    void checkSaysWhyOneHostCannotTakeTheVm() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").cpus(2), host("h2")).build();
        VmRequest wide = vm("wide").vcpus(4).build();
        assertThat(scheduler.check(snapshot, wide, id("h1"))).get().extracting(Rejection::reason)
                .isEqualTo("too few CPUs (2, the VM has 4 vCPUs)");
        assertThat(scheduler.check(snapshot, wide, id("h2"))).isEmpty();
        assertThat(scheduler.check(snapshot, wide, "elsewhere")).get().extracting(Rejection::reason)
                .isEqualTo("it is not in the VM's cluster");
    }
}
