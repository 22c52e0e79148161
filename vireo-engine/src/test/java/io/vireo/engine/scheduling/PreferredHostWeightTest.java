package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.score;
import static io.vireo.engine.scheduling.Clusters.vm;
import static org.assertj.core.api.Assertions.assertThat;

class PreferredHostWeightTest {
    @Test
    void scoresOneOnAPreferredHostOnly() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2")).build();
        VmRequest web = vm("web1").prefers("h2").build();
        assertThat(score(new PreferredHostWeight(), snapshot, "h1", web)).isZero();
        assertThat(score(new PreferredHostWeight(), snapshot, "h2", web)).isEqualTo(1.0);
    }
}
