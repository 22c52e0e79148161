package io.vireo.engine.datacenters;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;
import io.vireo.model.ErrorCode;
import io.vireo.model.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Data centers and clusters on a real PostgreSQL, with the features above them faked by what they answer. */
class DataCenterServiceTest {
    private final Database database = TestDatabase.fresh();
    private final EventLog events = new EventLog(database.jdbi());
    /** The ids that the features above say are in use (a storage domain in a data center, a host in a cluster). */
    private final DataCenterService service = new DataCenterService(database.jdbi(), events);

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aNewClusterMigratesWithAFiftyMillisecondPauseAndTheDefaultSteps() {
        DataCenter dc = service.createDataCenter(new DataCenter.Create("dc-m", null));
        Cluster cluster = service.createCluster(new Cluster.Create("c-m", dc.id(), null, null));

        assertThat(cluster.migrationPolicy()).isEqualTo(io.vireo.model.rpc.MigrationPolicy.defaults());
        assertThat(cluster.migrationPolicy().maxDowntimeMs()).isEqualTo(50);
    }

    @Test
    void aTakenNameIsRefusedAndNothingIsWritten() {
        DataCenter first = service.createDataCenter(new DataCenter.Create("dc1", "the first"));
        assertThat(first.name()).isEqualTo("dc1");
        assertThat(first.description()).isEqualTo("the first");
        assertThatThrownBy(() -> service.createDataCenter(new DataCenter.Create("dc1", null)))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_NAME);
                    assertThat(e.getMessage()).isEqualTo("A data center named dc1 exists already");
                });
        service.createCluster(new Cluster.Create("c1", first.id(), null, null));
        assertThatThrownBy(() -> service.createCluster(new Cluster.Create("c1", first.id(), null, null)))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_NAME));
        // the refused inserts wrote no event either: they were in the same transaction
        assertThat(events.list(0, 100)).extracting(Event::code).containsExactly("DATA_CENTER_CREATED", "CLUSTER_CREATED");
    }

    @Test
    void aDescriptionHasAtMostAThousandCharactersOnCreateAndUpdate() {
        String tooLong = "d".repeat(Fields.DESCRIPTION_LENGTH + 1);
        assertThatThrownBy(() -> service.createDataCenter(new DataCenter.Create("dc1", tooLong)))
                .isInstanceOf(InvalidInputException.class).hasMessage("The description is longer than 1000 characters");
        UUID dataCenter = id(service.createDataCenter(new DataCenter.Create("dc1", "d".repeat(1000))).id());
        assertThatThrownBy(() -> service.createCluster(new Cluster.Create("c1", dataCenter.toString(), tooLong, null)))
                .isInstanceOf(InvalidInputException.class);
        UUID cluster = id(service.createCluster(new Cluster.Create("c1", dataCenter.toString(), "short", null)).id());
        assertThatThrownBy(() -> service.updateCluster(cluster, new Cluster.Update(tooLong, null, null, null, null, null, null)))
                .isInstanceOf(InvalidInputException.class);
        assertThat(service.cluster(cluster).description()).isEqualTo("short");
    }

    @Test
    void removalIsRefusedWhileSomethingLivesInside() {
        UUID dataCenter = id(service.createDataCenter(new DataCenter.Create("dc1", null)).id());
        UUID cluster = id(service.createCluster(new Cluster.Create("c1", dataCenter.toString(), null, null)).id());
        refusedInUse(() -> service.deleteDataCenter(dataCenter), "Data center dc1 still holds clusters");

        // a host in the cluster (as the hosts feature writes it): the foreign key keeps the cluster
        UUID host = UUID.randomUUID();
        sql("INSERT INTO hosts (id, name, address, cluster_id, status) VALUES (:id, 'h1', '10.0.0.1', :parent, 'UP')", host, cluster);
        refusedInUse(() -> service.deleteCluster(cluster), "Cluster c1 still holds hosts, VMs, pools or affinity groups");
        sql("DELETE FROM hosts WHERE id = :id OR id = :parent", host, host);
        service.deleteCluster(cluster);
        assertThatThrownBy(() -> service.cluster(cluster)).isInstanceOfSatisfying(NotFoundException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CLUSTER_NOT_FOUND));

        UUID domain = UUID.randomUUID();
        sql("INSERT INTO storage_domains (id, name, data_center_id, type, path) VALUES (:id, 'sd1', :parent, 'file', '/x')",
                domain, dataCenter);
        refusedInUse(() -> service.deleteDataCenter(dataCenter), "storage domains");
        sql("DELETE FROM storage_domains WHERE id = :id OR id = :parent", domain, domain);
        service.deleteDataCenter(dataCenter);
        assertThat(service.dataCenters()).isEmpty();
    }

    @Test
    void listsPageByNameMatchTheSearchAndShowOnlyWhatIsVisible() {
        for (String name : List.of("b2", "a1", "b1", "b3", "a2")) {
            service.createDataCenter(new DataCenter.Create(name, null));
        }
        assertThat(names(service.dataCenters(Visibility.ALL, Optional.empty(), new Paging(2, 1)))).containsExactly("a1", "a2");
        assertThat(names(service.dataCenters(Visibility.ALL, Optional.empty(), new Paging(2, 3)))).containsExactly("b3");
        assertThat(names(service.dataCenters(Visibility.ALL, Optional.of("name=b*"), Paging.ALL))).containsExactly("b1", "b2", "b3");

        UUID a2 = id(service.dataCenters().stream().filter(dc -> dc.name().equals("a2")).findFirst().orElseThrow().id());
        Visibility onlyA2 = Visibility.granted("SELECT CAST(:only AS uuid)", Map.of("only", a2));
        assertThat(names(service.dataCenters(onlyA2, Optional.empty(), Paging.ALL))).containsExactly("a2");
        assertThat(names(service.dataCenters(onlyA2, Optional.of("name=b*"), Paging.ALL))).isEmpty();
        assertThat(service.dataCenters(Visibility.NONE, Optional.empty(), Paging.ALL)).isEmpty();

        service.createCluster(new Cluster.Create("c-in-a2", a2.toString(), null, null));
        UUID b1 = id(service.dataCenters(Visibility.ALL, Optional.of("name=b1"), Paging.ALL).getFirst().id());
        service.createCluster(new Cluster.Create("c-in-b1", b1.toString(), null, null));
        assertThat(service.clusters(Visibility.ALL, Optional.of("datacenter=" + b1), Paging.ALL))
                .extracting(Cluster::name).containsExactly("c-in-b1");
        assertThatThrownBy(() -> service.clusters(Visibility.ALL, Optional.of("colour=red"), Paging.ALL))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SEARCH));
    }

    @Test
    void anUpdateChangesWhatItGivesAndKeepsTheRest() {
        UUID dataCenter = id(service.createDataCenter(new DataCenter.Create("dc1", null)).id());
        Cluster created = service.createCluster(new Cluster.Create("c1", dataCenter.toString(), "first", null));
        assertThat(created.memoryOvercommitPercent()).isEqualTo(100);
        UUID id = id(created.id());

        Cluster changed = service.updateCluster(id, new Cluster.Update(null, 150, null, 4, null, null, null));
        assertThat(changed.memoryOvercommitPercent()).isEqualTo(150);
        assertThat(changed.maxOutgoingMigrations()).isEqualTo(4);
        assertThat(changed.maxIncomingMigrations()).isEqualTo(created.maxIncomingMigrations());
        assertThat(changed.migrationPolicy()).isEqualTo(created.migrationPolicy());
        assertThat(changed.description()).isEqualTo("first");

        Cluster described = service.updateCluster(id, new Cluster.Update("second", null, null, null, null, "power_saving", null));
        assertThat(described.description()).isEqualTo("second");
        assertThat(described.schedulingPolicy()).isEqualTo("power_saving");
        assertThat(described.memoryOvercommitPercent()).isEqualTo(150);
        assertThat(described.schedulingParameters()).isEqualTo(created.schedulingParameters());
    }

    /** A row another feature would write, made here directly: this test is about what the foreign keys refuse. */
    private void sql(String statement, UUID id, UUID parent) {
        database.jdbi().useHandle(h -> h.createUpdate(statement).bind("id", id).bind("parent", parent).execute());
    }

    private static void refusedInUse(Runnable removal, String message) {
        assertThatThrownBy(removal::run).isInstanceOfSatisfying(ConflictException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.ENTITY_IN_USE);
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static List<String> names(List<DataCenter> dataCenters) {
        return dataCenters.stream().map(DataCenter::name).toList();
    }

    private static UUID id(String id) {
        return UUID.fromString(id);
    }
}
