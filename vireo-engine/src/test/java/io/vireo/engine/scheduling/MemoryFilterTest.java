package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.reject;
import static io.vireo.engine.scheduling.Clusters.vm;
import static org.assertj.core.api.Assertions.assertThat;

class MemoryFilterTest {
    private final HostFilter filter = new MemoryFilter();

    @Test
    void acceptsAVmThatFillsTheHostExactly() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").memory(4096, 3072)).build();
        assertThat(reject(filter, snapshot, "h1", vm("web1").memory(1024).build())).isEmpty();
    }

    @Test
    void refusesAVmThatDoesNotFitAndSaysHowMuchIsFree() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").memory(4096, 3584)).build();
        assertThat(reject(filter, snapshot, "h1", vm("web1").memory(1024).build()))
                .contains("not enough memory (512 MiB free, 1024 needed)");
    }

    @Test
    void theClustersOvercommitMakesRoom() {
        ClusterSnapshot snapshot = cluster("none").overcommit(150).hosts(host("h1").memory(4096, 4096)).build();
        assertThat(reject(filter, snapshot, "h1", vm("web1").memory(2048).build())).isEmpty();
        assertThat(reject(filter, snapshot, "h1", vm("web2").memory(2049).build()))
                .contains("not enough memory (2048 MiB free, 2049 needed)");
    }

    @Test
    void anOverbookedHostShowsNoFreeMemoryRatherThanANegativeFigure() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").memory(4096, 5000)).build();
        assertThat(reject(filter, snapshot, "h1", vm("web1").memory(1).build()))
                .contains("not enough memory (0 MiB free, 1 needed)");
    }
}
