package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.hostGroup;
import static io.vireo.engine.scheduling.Clusters.score;
import static io.vireo.engine.scheduling.Clusters.vm;
import static io.vireo.engine.scheduling.Clusters.vmOf;
import static org.assertj.core.api.Assertions.assertThat;

class SoftHostAffinityWeightTest {
    private final HostWeight weight = new SoftHostAffinityWeight();

    @Test
    void scoresTheShareOfGroupsTheHostKeeps() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"), host("h3")).vms(vm("web1"))
                .groups(hostGroup("on-fast", true, false, List.of("web1"), List.of("h1", "h2")),
                        hostGroup("off-old", false, false, List.of("web1"), List.of("h2")))
                .build();
        VmRequest web = vmOf(snapshot, "web1");
        assertThat(score(weight, snapshot, "h1", web)).isEqualTo(1.0);
        assertThat(score(weight, snapshot, "h2", web)).isEqualTo(0.5);
        assertThat(score(weight, snapshot, "h3", web)).isEqualTo(0.5);
    }

    @Test
    void enforcingGroupsScoreNothing() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1")).vms(vm("web1"))
                .groups(hostGroup("on-h1", true, true, List.of("web1"), List.of("h1"))).build();
        assertThat(score(weight, snapshot, "h1", vmOf(snapshot, "web1"))).isZero();
    }
}
