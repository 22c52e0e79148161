package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.reject;
import static io.vireo.engine.scheduling.Clusters.vm;
import static io.vireo.engine.scheduling.Clusters.vmOf;
import static org.assertj.core.api.Assertions.assertThat;

class MigrationSourceFilterTest {
    private final HostFilter filter = new MigrationSourceFilter();

    @Test
    void aRunningVmCannotMoveToItsOwnHost() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2")).vms(vm("web1").on("h1")).build();
        VmRequest web = vmOf(snapshot, "web1");
        assertThat(reject(filter, snapshot, "h1", web)).contains("the VM already runs there");
        assertThat(reject(filter, snapshot, "h2", web)).isEmpty();
    }

    @Test
    void aVmThatIsDownMayGoAnywhere() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1")).build();
        assertThat(reject(filter, snapshot, "h1", vm("web1").build())).isEmpty();
    }
}
