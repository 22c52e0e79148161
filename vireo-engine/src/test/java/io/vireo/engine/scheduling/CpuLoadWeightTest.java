package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.score;
import static io.vireo.engine.scheduling.Clusters.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CpuLoadWeightTest {
    private final ClusterSnapshot snapshot = cluster("none")
            .hosts(host("idle").load(0), host("busy").load(60), host("hot").load(90), host("odd").load(130)).build();
    private final VmRequest web = vm("web1").build();

    @Test
    void spreadingPrefersTheLeastLoadedHost() {
        HostWeight weight = new CpuLoadWeight(LoadGoal.SPREAD, 80);
        assertThat(score(weight, snapshot, "idle", web)).isEqualTo(1.0);
        assertThat(score(weight, snapshot, "busy", web)).isCloseTo(0.4, within(1e-9));
        assertThat(score(weight, snapshot, "hot", web)).isCloseTo(0.1, within(1e-9));
        assertThat(score(weight, snapshot, "odd", web)).isZero();
    }

    @Test
    void packingPrefersTheBusiestHostUnderTheHighUtilizationAndPutsTheOverloadedLast() {
        HostWeight weight = new CpuLoadWeight(LoadGoal.PACK, 80);
        assertThat(score(weight, snapshot, "busy", web)).isCloseTo(0.75, within(1e-9));
        assertThat(score(weight, snapshot, "idle", web)).isZero();
        assertThat(score(weight, snapshot, "hot", web)).isZero();
    }

    @Test
    void refusesAThresholdThatIsNoPercentage() {
        assertThatThrownBy(() -> new CpuLoadWeight(LoadGoal.PACK, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("percentage above 0");
    }
}
