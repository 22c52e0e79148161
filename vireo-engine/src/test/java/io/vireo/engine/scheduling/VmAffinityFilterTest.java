package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import static io.vireo.engine.scheduling.Clusters.cluster;
import static io.vireo.engine.scheduling.Clusters.host;
import static io.vireo.engine.scheduling.Clusters.reject;
import static io.vireo.engine.scheduling.Clusters.vm;
import static io.vireo.engine.scheduling.Clusters.vmGroup;
import static io.vireo.engine.scheduling.Clusters.vmOf;
import static org.assertj.core.api.Assertions.assertThat;

class VmAffinityFilterTest {
    private final HostFilter filter = new VmAffinityFilter();

    @Test
    void aNegativeGroupKeepsTheVmOffHostsRunningAnotherMember() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"))
                .vms(vm("db1").on("h1"), vm("db2")).groups(vmGroup("db-apart", false, true, "db1", "db2")).build();
        VmRequest db2 = vmOf(snapshot, "db2");
        assertThat(reject(filter, snapshot, "h1", db2)).contains("the VM must not run with db1 (affinity group db-apart)");
        assertThat(reject(filter, snapshot, "h2", db2)).isEmpty();
    }

    @Test
    void aPositiveGroupTakesTheVmWhereItsMembersRun() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"))
                .vms(vm("app1").on("h2"), vm("app2").on("h2"), vm("app3"))
                .groups(vmGroup("app-together", true, true, "app1", "app2", "app3")).build();
        VmRequest app3 = vmOf(snapshot, "app3");
        assertThat(reject(filter, snapshot, "h1", app3))
                .contains("the VM must run with app1 on h2 (affinity group app-together)");
        assertThat(reject(filter, snapshot, "h2", app3)).isEmpty();
    }

    @Test
    void thePositiveGroupsFirstRunningMemberMayGoAnywhere() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"))
                .vms(vm("app1"), vm("app2")).groups(vmGroup("app-together", true, true, "app1", "app2")).build();
        assertThat(reject(filter, snapshot, "h1", vmOf(snapshot, "app1"))).isEmpty();
        assertThat(reject(filter, snapshot, "h2", vmOf(snapshot, "app1"))).isEmpty();
    }

    @Test
    void aMigratingMemberDoesNotCountAsItsOwnCompany() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"))
                .vms(vm("db1").on("h1")).groups(vmGroup("db-apart", false, true, "db1", "db2")).build();
        assertThat(reject(filter, snapshot, "h2", vmOf(snapshot, "db1"))).isEmpty();
    }

    @Test
    void aSplitPositiveGroupLetsTheVmJoinEitherPart() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"), host("h2"), host("h3"))
                .vms(vm("app1").on("h1"), vm("app2").on("h2"), vm("app3"))
                .groups(vmGroup("app-together", true, true, "app1", "app2", "app3")).build();
        VmRequest app3 = vmOf(snapshot, "app3");
        assertThat(reject(filter, snapshot, "h1", app3)).isEmpty();
        assertThat(reject(filter, snapshot, "h2", app3)).isEmpty();
        assertThat(reject(filter, snapshot, "h3", app3))
                .contains("the VM must run with app1 on h1 or h2 (affinity group app-together)");
    }

    @Test
    void softGroupsAreNotTheFiltersBusiness() {
        ClusterSnapshot snapshot = cluster("none").hosts(host("h1"))
                .vms(vm("db1").on("h1"), vm("db2")).groups(vmGroup("db-apart", false, false, "db1", "db2")).build();
        assertThat(reject(filter, snapshot, "h1", vmOf(snapshot, "db2"))).isEmpty();
    }
}
