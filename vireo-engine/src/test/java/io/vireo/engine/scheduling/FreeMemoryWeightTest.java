package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.score;
import static io.vireo.engine.scheduling.Clusters.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FreeMemoryWeightTest {
    private final ClusterSnapshot snapshot = cluster("none")
            .hosts(host("empty").memory(8192, 0), host("half").memory(8192, 4096), host("full").memory(8192, 9000)).build();
    private final VmRequest web = vm("web1").memory(2048).build();

    @Test
    void spreadingScoresTheShareOfMemoryLeftOnceTheVmIsThere() {
        HostWeight weight = new FreeMemoryWeight(LoadGoal.SPREAD);
        assertThat(score(weight, snapshot, "empty", web)).isCloseTo(0.75, within(1e-9));
        assertThat(score(weight, snapshot, "half", web)).isCloseTo(0.25, within(1e-9));
        assertThat(score(weight, snapshot, "full", web)).isZero();
    }

    @Test
    void packingScoresTheOpposite() {
        HostWeight weight = new FreeMemoryWeight(LoadGoal.PACK);
        assertThat(score(weight, snapshot, "empty", web)).isCloseTo(0.25, within(1e-9));
        assertThat(score(weight, snapshot, "half", web)).isCloseTo(0.75, within(1e-9));
        assertThat(score(weight, snapshot, "full", web)).isEqualTo(1.0);
    }

    @Test
    void theOvercommitWidensTheCapacity() {
        ClusterSnapshot overcommitted = cluster("none").overcommit(200).hosts(host("h1").memory(4096, 4096)).build();
        assertThat(score(new FreeMemoryWeight(LoadGoal.SPREAD), overcommitted, "h1", web)).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void aHostWithoutMemoryScoresZero() {
        ClusterSnapshot odd = cluster("none").hosts(host("h1").memory(0, 0)).build();
        assertThat(score(new FreeMemoryWeight(LoadGoal.SPREAD), odd, "h1", web)).isZero();
    }
}
