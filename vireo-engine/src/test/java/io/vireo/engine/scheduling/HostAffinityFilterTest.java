package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.hostGroup;
import static io.vireo.engine.scheduling.Clusters.reject;
import static io.vireo.engine.scheduling.Clusters.vm;
import static io.vireo.engine.scheduling.Clusters.vmOf;
import static org.assertj.core.api.Assertions.assertThat;

class HostAffinityFilterTest {
    private final HostFilter filter = new HostAffinityFilter();

    @Test
    void aPositiveGroupKeepsTheVmOnItsHosts() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"), host("h3")).vms(vm("lic1"))
                .groups(hostGroup("licensed", true, true, List.of("lic1"), List.of("h3", "h2"))).build();
        VmRequest lic = vmOf(snapshot, "lic1");
        assertThat(reject(filter, snapshot, "h1", lic)).contains("the VM must run on h2 or h3 (affinity group licensed)");
        assertThat(reject(filter, snapshot, "h2", lic)).isEmpty();
        assertThat(reject(filter, snapshot, "h3", lic)).isEmpty();
    }

    @Test
    void aNegativeGroupKeepsTheVmOffItsHosts() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2")).vms(vm("web1"))
                .groups(hostGroup("not-h1", false, true, List.of("web1"), List.of("h1"))).build();
        VmRequest web = vmOf(snapshot, "web1");
        assertThat(reject(filter, snapshot, "h1", web)).contains("the VM must not run on this host (affinity group not-h1)");
        assertThat(reject(filter, snapshot, "h2", web)).isEmpty();
    }

    @Test
    void aVmOutsideTheGroupIsFree() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1")).vms(vm("web1"))
                .groups(hostGroup("not-h1", false, true, List.of("other"), List.of("h1"))).build();
        assertThat(reject(filter, snapshot, "h1", vmOf(snapshot, "web1"))).isEmpty();
    }
}
