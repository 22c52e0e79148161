package io.vireo.engine.datacenters;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.scheduling.PolicyParameters;
import io.vireo.engine.scheduling.SchedulingPolicy;
import io.vireo.engine.store.ReferencedRows;
import io.vireo.engine.store.UniqueNames;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;
import io.vireo.model.ErrorCode;
import io.vireo.model.rpc.MigrationPolicy;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;

import static java.util.Objects.requireNonNull;

/** Data centers and their clusters: the containers hosts, storage and VMs belong to. */
public final class DataCenterService {
    private final Jdbi jdbi;
    private final EventLog events;
    private final DataCenterRepository dataCenters = new DataCenterRepository();
    private final ClusterRepository clusters = new ClusterRepository();
    /** A policy's parameters are checked by the scheduling rules themselves (a pure package below this one). */
    private static final BiConsumer<String, JsonNode> SCHEDULING_VALIDATOR = (name, parameters) -> SchedulingPolicy.of(name,
            PolicyParameters.fromJson(parameters == null ? null : parameters.toString()));

    public DataCenterService(Jdbi jdbi, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.events = requireNonNull(events, "events");
    }

    public DataCenter createDataCenter(DataCenter.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        String description = request.description() == null ? "" : Fields.text("description", request.description(),
                Fields.DESCRIPTION_LENGTH);
        UUID id = UUID.randomUUID();
        return UniqueNames.insert(jdbi, "data center", name, h -> {
            dataCenters.insert(h, id, name, description);
            events.write(h, EventLog.Entry.info("DATA_CENTER_CREATED", "Data center " + name + " was created"));
            return dataCenters.find(h, id).orElseThrow();
        });
    }

    /** Every data center, for the engine's own use (the all-in-one setup looks for its default). */
    public List<DataCenter> dataCenters() {
        return dataCenters(Visibility.ALL, Optional.empty(), Paging.ALL);
    }

    /** One page of the data centers a caller sees that match the search, by name. */
    public List<DataCenter> dataCenters(Visibility visible, Optional<String> search, Paging paging) {
        return jdbi.withHandle(h -> dataCenters.list(h, visible, search, paging));
    }

    public DataCenter dataCenter(UUID id) {
        return jdbi.withHandle(h -> dataCenters.find(h, id))
                .orElseThrow(() -> NotFoundException.of(ErrorCode.DATA_CENTER_NOT_FOUND, "data center", id));
    }

    public void deleteDataCenter(UUID id) {
        DataCenter dataCenter = dataCenter(id);
        ReferencedRows.remove(jdbi, h -> {
            dataCenters.delete(h, id);
            events.write(h, EventLog.Entry.info("DATA_CENTER_REMOVED", "Data center " + dataCenter.name() + " was removed"));
        }, "Data center " + dataCenter.name() + " still holds clusters or storage domains; remove them first");
    }

    public Cluster createCluster(Cluster.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        UUID dataCenterId = Fields.id("dataCenterId", request.dataCenterId());
        int overcommit = request.memoryOvercommitPercent() == null ? 100
                : Fields.range("memoryOvercommitPercent", request.memoryOvercommitPercent(), 100, 400);
        String description = request.description() == null ? "" : Fields.text("description", request.description(),
                Fields.DESCRIPTION_LENGTH);
        DataCenter dataCenter = dataCenter(dataCenterId);
        UUID id = UUID.randomUUID();
        return UniqueNames.insert(jdbi, "cluster", name, h -> {
            clusters.insert(h, id, name, dataCenterId, description, overcommit);
            events.write(h, EventLog.Entry.info("CLUSTER_CREATED", "Cluster " + name + " was created in data center "
                    + dataCenter.name()));
            return clusters.find(h, id).orElseThrow();
        });
    }

    /** Every cluster, for the engine's own use. */
    public List<Cluster> clusters() {
        return clusters(Visibility.ALL, Optional.empty(), Paging.ALL);
    }

    /** One page of the clusters a caller sees that match the search, by name. */
    public List<Cluster> clusters(Visibility visible, Optional<String> search, Paging paging) {
        return jdbi.withHandle(h -> clusters.list(h, visible, search, paging));
    }

    /** The data centers holding a cluster that {@code clusters} keeps, for a list of what belongs to data centers. */
    public Visibility dataCentersOfClusters(Visibility clusters) {
        return ClusterRepository.dataCentersOf(clusters);
    }

    public Cluster cluster(UUID id) {
        return findCluster(id).orElseThrow(() -> NotFoundException.of(ErrorCode.CLUSTER_NOT_FOUND, "cluster", id));
    }

    /** A cluster, inside the caller's transaction (a scheduling snapshot reads it with its hosts and VMs). */
    public Cluster cluster(Handle h, UUID id) {
        return clusters.find(h, id).orElseThrow(() -> NotFoundException.of(ErrorCode.CLUSTER_NOT_FOUND, "cluster", id));
    }

    public Optional<Cluster> findCluster(UUID id) {
        return jdbi.withHandle(h -> clusters.find(h, id));
    }

    /** Changes the given settings of a cluster; what is left out keeps its value. */
    public Cluster updateCluster(UUID id, Cluster.Update update) {
        Fields.required("body", update);
        Cluster cluster = cluster(id);
        if (update.memoryOvercommitPercent() != null) {
            Fields.range("memoryOvercommitPercent", update.memoryOvercommitPercent(), 100, 400);
        }
        if (update.maxOutgoingMigrations() != null) {
            Fields.range("maxOutgoingMigrations", update.maxOutgoingMigrations(), 1, 16);
        }
        if (update.maxIncomingMigrations() != null) {
            Fields.range("maxIncomingMigrations", update.maxIncomingMigrations(), 1, 16);
        }
        ClusterPolicies.checkMigrationPolicy("migrationPolicy", update.migrationPolicy());
        String scheduling = update.schedulingPolicy() == null && update.schedulingParameters() == null ? null
                : ClusterPolicies.checkSchedulingPolicy(update.schedulingPolicy() == null ? cluster.schedulingPolicy()
                : update.schedulingPolicy(), update.schedulingParameters(), SCHEDULING_VALIDATOR);
        Cluster changed = applied(cluster, update, scheduling);
        jdbi.useTransaction(h -> {
            clusters.updateSettings(h, changed);
            events.write(h, EventLog.Entry.info("CLUSTER_UPDATED", "Cluster " + cluster.name() + " was changed"));
        });
        return cluster(id);
    }

    /** The cluster with the update's fields in place of its own; a field left out keeps the cluster's value. */
    private static Cluster applied(Cluster cluster, Cluster.Update update, String scheduling) {
        MigrationPolicy policy = update.migrationPolicy() == null ? cluster.migrationPolicy()
                : update.migrationPolicy().applyTo(cluster.migrationPolicy());
        return new Cluster(cluster.id(), cluster.name(), cluster.dataCenterId(),
                or(Fields.text("description", update.description(), Fields.DESCRIPTION_LENGTH), cluster.description()),
                or(update.memoryOvercommitPercent(), cluster.memoryOvercommitPercent()), policy,
                or(update.maxOutgoingMigrations(), cluster.maxOutgoingMigrations()),
                or(update.maxIncomingMigrations(), cluster.maxIncomingMigrations()),
                or(scheduling, cluster.schedulingPolicy()), or(update.schedulingParameters(), cluster.schedulingParameters()),
                cluster.createdAt());
    }

    private static <T> T or(T given, T current) {
        return given == null ? current : given;
    }

    public void deleteCluster(UUID id) {
        Cluster cluster = cluster(id);
        ReferencedRows.remove(jdbi, h -> {
            clusters.delete(h, id);
            events.write(h, EventLog.Entry.info("CLUSTER_REMOVED", "Cluster " + cluster.name() + " was removed"));
        }, "Cluster " + cluster.name() + " still holds hosts, VMs, pools or affinity groups; remove them first");
    }

}
