package io.vireo.engine.affinity;

import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.engine.store.Visibility;
import io.vireo.model.AffinityGroup;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;
import io.vireo.model.ErrorCode;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Affinity groups on a real PostgreSQL; which cluster a VM or host is in comes from fakes, as VMs and hosts would answer. */
class AffinityGroupServiceTest {
    private final Database database = TestDatabase.fresh();
    private final Jdbi jdbi = database.jdbi();
    private final EventLog events = new EventLog(jdbi);
    private final DataCenterService dataCenters = new DataCenterService(jdbi, events);
    private final Map<UUID, UUID> vmClusters = new HashMap<>();
    private final Map<UUID, UUID> hostClusters = new HashMap<>();
    private final AffinityGroupService service = new AffinityGroupService(jdbi, dataCenters, events,
            (h, id) -> Optional.ofNullable(vmClusters.get(id)), (h, id) -> Optional.ofNullable(hostClusters.get(id)));

    private final String dataCenter = dataCenters.createDataCenter(new DataCenter.Create("dc", null)).id();
    private final UUID c1 = cluster("c1");
    private final UUID c2 = cluster("c2");
    private final UUID vm1 = vm("vm1", c1);
    private final UUID vm2 = vm("vm2", c1);
    private final UUID vm3 = vm("vm3", c2);
    private final UUID host1 = host("h1", c1);

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aGroupKeepsItsMembersAndItsNameIsItsOwn() {
        AffinityGroup apart = service.create(group("apart", c1, "VM_TO_VM", List.of(vm1, vm2), List.of()));
        assertThat(apart.vmIds()).containsExactlyInAnyOrder(vm1.toString(), vm2.toString());
        assertThat(apart.hostIds()).isEmpty();
        AffinityGroup onHost = service.create(group("on-h1", c1, "VM_TO_HOST", List.of(vm1), List.of(host1)));
        assertThat(service.group(UUID.fromString(onHost.id())).hostIds()).containsExactly(host1.toString());

        refused(() -> service.create(group("apart", c2, "VM_TO_VM", List.of(vm3), List.of())), ErrorCode.DUPLICATE_NAME);
        service.delete(UUID.fromString(apart.id()));
        assertThat(service.inCluster(c1)).extracting(AffinityGroup::name).containsExactly("on-h1");
    }

    @Test
    void membersMustExistInTheGroupsClusterAndARefusalLeavesNothing() {
        refused(() -> service.create(group("mixed", c1, "VM_TO_VM", List.of(vm1, vm3), List.of())), ErrorCode.INVALID_FIELD);
        refused(() -> service.create(group("ghost", c1, "VM_TO_VM", List.of(UUID.randomUUID()), List.of())),
                ErrorCode.VM_NOT_FOUND);
        refused(() -> service.create(group("ghost-host", c1, "VM_TO_HOST", List.of(vm1), List.of(UUID.randomUUID()))),
                ErrorCode.HOST_NOT_FOUND);
        assertThat(service.list()).isEmpty();
    }

    @Test
    void theListShowsTheGroupsOfVisibleClustersByPageAndSearch() {
        service.create(group("b-together", c1, "VM_TO_VM", List.of(vm1, vm2), List.of()));
        service.create(group("a-on-h1", c1, "VM_TO_HOST", List.of(vm1), List.of(host1)));
        service.create(group("c-alone", c2, "VM_TO_VM", List.of(vm3), List.of()));
        assertThat(names(service.list(Visibility.ALL, Optional.empty(), new Paging(2, 1)))).containsExactly("a-on-h1", "b-together");
        assertThat(names(service.list(Visibility.ALL, Optional.empty(), new Paging(2, 2)))).containsExactly("c-alone");
        assertThat(names(service.list(Visibility.ALL, Optional.of("kind=vm_to_vm"), Paging.ALL))).containsExactly("b-together", "c-alone");
        Visibility onlyC2 = Visibility.granted("SELECT CAST(:c2 AS uuid)", Map.of("c2", c2));
        assertThat(names(service.list(onlyC2, Optional.empty(), Paging.ALL))).containsExactly("c-alone");
        assertThat(names(service.list(onlyC2, Optional.of("cluster=" + c1), Paging.ALL))).isEmpty();
    }

    private static AffinityGroup.Create group(String name, UUID cluster, String kind, List<UUID> vms, List<UUID> hosts) {
        return new AffinityGroup.Create(name, cluster.toString(), kind, false, true,
                vms.stream().map(UUID::toString).toList(), hosts.stream().map(UUID::toString).toList());
    }

    private static void refused(Runnable create, ErrorCode code) {
        assertThatThrownBy(create::run).isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private static List<String> names(List<AffinityGroup> groups) {
        return groups.stream().map(AffinityGroup::name).toList();
    }

    private UUID cluster(String name) {
        return UUID.fromString(dataCenters.createCluster(new Cluster.Create(name, dataCenter, null, null)).id());
    }

    private UUID vm(String name, UUID cluster) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO vms (id, name, cluster_id, vcpus, memory_mib, graphics, desired_state, "
                + "status) VALUES (:id, :name, :cluster, 1, 128, 'vnc', 'DOWN', 'DOWN')")
                .bind("id", id).bind("name", name).bind("cluster", cluster).execute());
        vmClusters.put(id, cluster);
        return id;
    }

    private UUID host(String name, UUID cluster) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO hosts (id, name, address, cluster_id, status) "
                + "VALUES (:id, :name, '10.0.0.1', :cluster, 'UP')").bind("id", id).bind("name", name).bind("cluster", cluster)
                .execute());
        hostClusters.put(id, cluster);
        return id;
    }
}
