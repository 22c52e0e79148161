package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.reject;
import static io.vireo.engine.scheduling.Clusters.vm;
import static org.assertj.core.api.Assertions.assertThat;

class NetworkFilterTest {
    private final HostFilter filter = new NetworkFilter();

    @Test
    void theHostMustHaveEveryNetworkOfTheVm() {
        ClusterSnapshot snapshot = cluster("none")
                .hosts(host("h1").networks("management", "storage", "tenant"), host("h2").networks("management")).build();
        VmRequest web = vm("web1").networks("tenant", "storage").build();
        assertThat(reject(filter, snapshot, "h1", web)).isEmpty();
        assertThat(reject(filter, snapshot, "h2", web)).contains("it lacks networks storage, tenant");
    }
}
