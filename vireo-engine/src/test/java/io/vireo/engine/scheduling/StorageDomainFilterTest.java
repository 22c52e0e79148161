package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.reject;
import static io.vireo.engine.scheduling.Clusters.vm;
import static org.assertj.core.api.Assertions.assertThat;

class StorageDomainFilterTest {
    private final HostFilter filter = new StorageDomainFilter();

    @Test
    void theHostMustReachEveryDomainOfTheVmsDisks() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").storage("sd1", "sd2"), host("h2").storage("sd1")).build();
        VmRequest web = vm("web1").storage("sd1", "sd2").build();
        assertThat(reject(filter, snapshot, "h1", web)).isEmpty();
        assertThat(reject(filter, snapshot, "h2", web)).contains("it cannot reach storage domains sd2");
    }

    @Test
    void aDisklessVmNeedsNoStorage() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").storage()).build();
        assertThat(reject(filter, snapshot, "h1", vm("web1").storage().build())).isEmpty();
    }
}
