package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.reject;
import static io.vireo.engine.scheduling.Clusters.vm;
import static org.assertj.core.api.Assertions.assertThat;

class CpuCompatibilityFilterTest {
    private final HostFilter filter = new CpuCompatibilityFilter();
    private final ClusterSnapshot snapshot = cluster("none")
            .hosts(host("old").flags("model_Nehalem", "sse4_2"), host("new").flags("model_Nehalem", "model_Haswell", "sse4_2", "avx2"))
            .build();

    @Test
    void aVmWithoutRequirementsRunsOnAnyCpu() {
        assertThat(reject(filter, snapshot, "old", vm("web1").build())).isEmpty();
    }

    @Test
    void theHostMustPresentTheVmsCpuModel() {
        VmRequest haswell = vm("web1").cpuModel("Haswell").build();
        assertThat(reject(filter, snapshot, "new", haswell)).isEmpty();
        assertThat(reject(filter, snapshot, "old", haswell)).contains("its CPU cannot present model Haswell");
    }

    @Test
    void theHostMustHaveEveryRequiredFlagAndTheRefusalNamesTheMissingOnes() {
        VmRequest needy = vm("web1").flags("sse4_2", "avx2", "aes").build();
        assertThat(reject(filter, snapshot, "old", needy)).contains("its CPU lacks flags aes, avx2");
        assertThat(reject(filter, snapshot, "new", vm("web2").flags("sse4_2", "avx2").build())).isEmpty();
    }
}
