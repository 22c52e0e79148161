package io.vireo.engine.scheduling;

import io.vireo.model.HostStatus;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.id;
import static io.vireo.engine.scheduling.Clusters.vm;
import static io.vireo.engine.scheduling.Clusters.vmGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClusterSnapshotTest {
    private final ClusterSnapshot snapshot = cluster("evenly_distributed")
            .hosts(host("h2").load(40).cpus(8), host("h1").load(60).cpus(16))
            .vms(vm("a").on("h1").vcpus(2).memory(1024), vm("b").on("h1").vcpus(6).memory(2048), vm("c").on("h2"), vm("d"))
            .groups(vmGroup("g1", true, false, "a", "c"), vmGroup("g2", false, false, "a", "d"))
            .build();

    @Test
    void indexesHostsVmsAndGroups() {
        assertThat(snapshot.hosts()).extracting(HostCandidate::name).containsExactly("h1", "h2");
        assertThat(snapshot.host(id("h2")).name()).isEqualTo("h2");
        assertThat(snapshot.host("nope")).isNull();
        assertThat(snapshot.hostName("nope")).isEqualTo("nope");
        assertThat(snapshot.vm(id("d")).running()).isFalse();
        assertThat(snapshot.vmIdsOn(id("h1"))).containsExactlyInAnyOrder(id("a"), id("b"));
        assertThat(snapshot.vmIdsOn(id("h9"))).isEmpty();
        assertThat(snapshot.groupsOf(id("a"))).extracting(AffinityGroup::name).containsExactlyInAnyOrder("g1", "g2");
        assertThat(snapshot.groupsOf(id("b"))).isEmpty();
        assertThat(snapshot.maxRunningVmCount()).isEqualTo(2);
        assertThat(snapshot.policy().name()).isEqualTo("evenly_distributed");
    }

    @Test
    void aMigrationMovesMemoryCountAndTheVmsShareOfTheLoad() {
        ClusterSnapshot after = snapshot.afterMigration(id("b"), id("h2"));
        HostCandidate h1 = after.host(id("h1"));
        HostCandidate h2 = after.host(id("h2"));
        // b has 6 of h1's 8 vCPUs, so 45 of its 60%; on h2, with half the CPUs, that weighs 90%, capped at 100.
        assertThat(h1.cpuLoadPercent()).isCloseTo(15, within(1e-9));
        assertThat(h2.cpuLoadPercent()).isEqualTo(100);
        assertThat(h1.memoryCommittedMib()).isEqualTo(1024);
        assertThat(h2.memoryCommittedMib()).isEqualTo(3072);
        assertThat(h1.runningVmCount()).isEqualTo(1);
        assertThat(h2.runningVmCount()).isEqualTo(2);
        assertThat(after.vm(id("b")).currentHostId()).isEqualTo(id("h2"));
        assertThat(after.vmIdsOn(id("h2"))).containsExactlyInAnyOrder(id("b"), id("c"));
        assertThat(snapshot.vm(id("b")).currentHostId()).isEqualTo(id("h1"));
        assertThat(snapshot.host(id("h1")).memoryCommittedMib()).isEqualTo(3072);
    }

    @Test
    void refusesDuplicatesAndNonsense() {
        HostCandidate h1 = host("h1").build();
        assertThatThrownBy(() -> new ClusterSnapshot("c", 100, "none", Map.of(), List.of(h1, h1), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> new ClusterSnapshot("c", 0, "none", Map.of(), List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overcommit");
        assertThatThrownBy(() -> new ClusterSnapshot("c", 100, "fastest", Map.of(), List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unknown scheduling policy");
    }

    @Test
    void recordsCopyTheirSets() {
        Set<String> flags = new HashSet<>(Set.of("avx2"));
        HostCandidate host = new HostCandidate("h", "h", "c", HostStatus.UP, true, false, 1, flags, 1, 0, 0, 0, Set.of(), Set.of());
        flags.add("aes");
        assertThat(host.cpuFlags()).containsExactly("avx2");
    }
}
