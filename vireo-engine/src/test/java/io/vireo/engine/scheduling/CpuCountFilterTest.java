package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.reject;
import static io.vireo.engine.scheduling.Clusters.vm;
import static org.assertj.core.api.Assertions.assertThat;

class CpuCountFilterTest {
    private final HostFilter filter = new CpuCountFilter();

    @Test
    void aVmMayHaveAsManyVcpusAsTheHostHasCpus() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1").cpus(4)).build();
        assertThat(reject(filter, snapshot, "h1", vm("web1").vcpus(4).build())).isEmpty();
        assertThat(reject(filter, snapshot, "h1", vm("web2").vcpus(5).build()))
                .contains("too few CPUs (4, the VM has 5 vCPUs)");
    }
}
