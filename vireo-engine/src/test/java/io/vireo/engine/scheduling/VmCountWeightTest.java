package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.score;
import static io.vireo.engine.scheduling.Clusters.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VmCountWeightTest {
    private final HostWeight weight = new VmCountWeight();
    private final VmRequest web = vm("web1").build();

    @Test
    void fewerVmsScoreHigherAgainstTheBusiestHost() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").vmCount(8), host("h2").vmCount(2), host("h3")).build();
        assertThat(score(weight, snapshot, "h1", web)).isZero();
        assertThat(score(weight, snapshot, "h2", web)).isCloseTo(0.75, within(1e-9));
        assertThat(score(weight, snapshot, "h3", web)).isEqualTo(1.0);
    }

    @Test
    void anEmptyClusterScoresEveryHostAlike() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2")).build();
        assertThat(score(weight, snapshot, "h1", web)).isEqualTo(score(weight, snapshot, "h2", web)).isEqualTo(1.0);
    }
}
