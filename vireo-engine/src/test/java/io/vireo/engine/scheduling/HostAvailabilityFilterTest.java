package io.vireo.engine.scheduling;

import io.vireo.model.HostStatus;
import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.reject;
import static io.vireo.engine.scheduling.Clusters.vm;
import static org.assertj.core.api.Assertions.assertThat;

class HostAvailabilityFilterTest {
    private final HostFilter filter = new HostAvailabilityFilter();
    private final VmRequest web = vm("web1").build();

    @Test
    void acceptsAnUpConnectedHostOfTheCluster() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1")).build();
        assertThat(reject(filter, snapshot, "h1", web)).isEmpty();
    }

    @Test
    void refusesHostsThatAreNotUp() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").status(HostStatus.NON_RESPONSIVE),
                host("h2").status(HostStatus.MAINTENANCE), host("h3").status(HostStatus.INSTALLING)).build();
        assertThat(reject(filter, snapshot, "h1", web)).contains("it is non-responsive");
        assertThat(reject(filter, snapshot, "h2", web)).contains("it is in maintenance");
        assertThat(reject(filter, snapshot, "h3", web)).contains("it is still installing");
    }

    @Test
    void refusesHostsOfAnotherClusterDisconnectedOrBeingPreparedForMaintenance() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").cluster("other"), host("h2").disconnected(),
                host("h3").maintenance()).build();
        assertThat(reject(filter, snapshot, "h1", web)).contains("it is not in the VM's cluster");
        assertThat(reject(filter, snapshot, "h2", web)).contains("its agent is not connected");
        assertThat(reject(filter, snapshot, "h3", web)).contains("it is being prepared for maintenance");
    }
}
