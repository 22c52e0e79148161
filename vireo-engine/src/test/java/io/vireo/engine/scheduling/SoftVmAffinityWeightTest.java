package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.score;
import static io.vireo.engine.scheduling.Clusters.vm;
import static io.vireo.engine.scheduling.Clusters.vmGroup;
import static io.vireo.engine.scheduling.Clusters.vmOf;
import static org.assertj.core.api.Assertions.assertThat;

class SoftVmAffinityWeightTest {
    private final HostWeight weight = new SoftVmAffinityWeight();

    @Test
    void scoresTheShareOfGroupsTheHostKeeps() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"), host("h3"))
                .vms(vm("app1").on("h1"), vm("cache1").on("h2"), vm("web1"))
                .groups(vmGroup("with-app", true, false, "web1", "app1"), vmGroup("off-cache", false, false, "web1", "cache1"))
                .build();
        VmRequest web = vmOf(snapshot, "web1");
        assertThat(score(weight, snapshot, "h1", web)).isEqualTo(1.0);
        assertThat(score(weight, snapshot, "h3", web)).isEqualTo(0.5);
        assertThat(score(weight, snapshot, "h2", web)).isZero();
    }

    @Test
    void aPositiveGroupWithNoRunningMemberKeepsEveryHost() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2")).vms(vm("app1"), vm("web1"))
                .groups(vmGroup("with-app", true, false, "web1", "app1")).build();
        assertThat(score(weight, snapshot, "h1", vmOf(snapshot, "web1"))).isEqualTo(1.0);
    }

    @Test
    void enforcingGroupsAndVmsWithoutGroupsScoreNothing() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1")).vms(vm("app1").on("h1"), vm("web1"), vm("lone"))
                .groups(vmGroup("with-app", true, true, "web1", "app1")).build();
        assertThat(score(weight, snapshot, "h1", vmOf(snapshot, "web1"))).isZero();
        assertThat(score(weight, snapshot, "h1", vmOf(snapshot, "lone"))).isZero();
    }
}
