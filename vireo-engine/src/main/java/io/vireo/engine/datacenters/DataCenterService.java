package io.vireo.engine.datacenters;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Rows;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;
import io.vireo.model.ErrorCode;
import io.vireo.model.Json;
import io.vireo.model.rpc.MigrationPolicy;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** Data centers and their clusters: the containers hosts, storage and VMs belong to. */
public final class DataCenterService {
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = Json.lenientMapper();
    private final Jdbi jdbi;
    private final EventLog events;

    public DataCenterService(Jdbi jdbi, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.events = requireNonNull(events, "events");
    }

    public DataCenter createDataCenter(DataCenter.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        String description = request.description() == null ? "" : request.description();
        UUID id = UUID.randomUUID();
        insertUnique("data center", name, h -> {
            h.createUpdate("INSERT INTO data_centers (id, name, description) VALUES (:id, :name, :description)")
                    .bind("id", id).bind("name", name).bind("description", description).execute();
            events.write(h, EventLog.Entry.info("DATA_CENTER_CREATED", "Data center " + name + " was created"));
        });
        return dataCenter(id);
    }

    public List<DataCenter> dataCenters() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM data_centers ORDER BY name")
                .map((rs, ctx) -> toDataCenter(rs)).list());
    }

    public DataCenter dataCenter(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM data_centers WHERE id = :id").bind("id", id)
                        .map((rs, ctx) -> toDataCenter(rs)).findOne())
                .orElseThrow(() -> NotFoundException.of(ErrorCode.DATA_CENTER_NOT_FOUND, "data center", id));
    }

    public void deleteDataCenter(UUID id) {
        DataCenter dataCenter = dataCenter(id);
        jdbi.useTransaction(h -> {
            int users = h.createQuery("SELECT (SELECT count(*) FROM clusters WHERE data_center_id = :id) "
                    + "+ (SELECT count(*) FROM storage_domains WHERE data_center_id = :id)").bind("id", id)
                    .mapTo(Integer.class).one();
            if (users > 0) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Data center " + dataCenter.name()
                        + " still holds clusters or storage domains; remove them first");
            }
            h.createUpdate("DELETE FROM data_centers WHERE id = :id").bind("id", id).execute();
            events.write(h, EventLog.Entry.info("DATA_CENTER_REMOVED", "Data center " + dataCenter.name() + " was removed"));
        });
    }

    public Cluster createCluster(Cluster.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        UUID dataCenterId = Fields.id("dataCenterId", request.dataCenterId());
        int overcommit = request.memoryOvercommitPercent() == null ? 100
                : Fields.range("memoryOvercommitPercent", request.memoryOvercommitPercent(), 100, 400);
        DataCenter dataCenter = dataCenter(dataCenterId);
        UUID id = UUID.randomUUID();
        insertUnique("cluster", name, h -> {
            h.createUpdate("INSERT INTO clusters (id, name, data_center_id, description, memory_overcommit) "
                            + "VALUES (:id, :name, :dc, :description, :overcommit)")
                    .bind("id", id).bind("name", name).bind("dc", dataCenterId)
                    .bind("description", request.description() == null ? "" : request.description())
                    .bind("overcommit", overcommit).execute();
            events.write(h, EventLog.Entry.info("CLUSTER_CREATED", "Cluster " + name + " was created in data center "
                    + dataCenter.name()));
        });
        return cluster(id);
    }

    public List<Cluster> clusters() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM clusters ORDER BY name").map((rs, ctx) -> toCluster(rs)).list());
    }

    public Cluster cluster(UUID id) {
        return findCluster(id).orElseThrow(() -> NotFoundException.of(ErrorCode.CLUSTER_NOT_FOUND, "cluster", id));
    }

    public Optional<Cluster> findCluster(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM clusters WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> toCluster(rs)).findOne());
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
                : update.schedulingPolicy(), update.schedulingParameters(), schedulingValidator);
        MigrationPolicy policy = update.migrationPolicy() == null ? cluster.migrationPolicy()
                : update.migrationPolicy().applyTo(cluster.migrationPolicy());
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE clusters SET description = :description, memory_overcommit = :overcommit, "
                            + "migration_max_downtime_ms = :downtime, migration_bandwidth_mibps = :bandwidth, "
                            + "migration_auto_converge = :autoConverge, migration_post_copy = :postCopy, "
                            + "migration_downtime_steps_ms = :steps, migration_stall_seconds = :stall, "
                            + "migration_max_outgoing = :outgoing, migration_max_incoming = :incoming, "
                            + "scheduling_policy = :scheduling, scheduling_parameters = CAST(:parameters AS jsonb) WHERE id = :id")
                    .bind("id", id)
                    .bind("description", update.description() == null ? cluster.description() : update.description())
                    .bind("overcommit", update.memoryOvercommitPercent() == null ? cluster.memoryOvercommitPercent()
                            : update.memoryOvercommitPercent())
                    .bind("downtime", policy.maxDowntimeMs()).bind("bandwidth", policy.bandwidthMiBps())
                    .bind("autoConverge", policy.autoConverge()).bind("postCopy", policy.postCopy())
                    .bind("steps", String.join(",", policy.downtimeStepsMs().stream().map(String::valueOf).toList()))
                    .bind("stall", policy.stallSeconds())
                    .bind("outgoing", update.maxOutgoingMigrations() == null ? cluster.maxOutgoingMigrations()
                            : update.maxOutgoingMigrations())
                    .bind("incoming", update.maxIncomingMigrations() == null ? cluster.maxIncomingMigrations()
                            : update.maxIncomingMigrations())
                    .bind("scheduling", scheduling == null ? cluster.schedulingPolicy() : scheduling)
                    .bind("parameters", (update.schedulingParameters() == null ? cluster.schedulingParameters()
                            : update.schedulingParameters()).toString())
                    .execute();
            events.write(h, EventLog.Entry.info("CLUSTER_UPDATED", "Cluster " + cluster.name() + " was changed"));
        });
        return cluster(id);
    }

    /** Set by the scheduling feature: checks a policy's parameters, throwing IllegalArgumentException with a sentence. */
    public void schedulingValidator(java.util.function.BiConsumer<String, com.fasterxml.jackson.databind.JsonNode> validator) {
        this.schedulingValidator = requireNonNull(validator, "validator");
    }

    private java.util.function.BiConsumer<String, com.fasterxml.jackson.databind.JsonNode> schedulingValidator = (name, parameters) -> {
    };

    public void deleteCluster(UUID id) {
        Cluster cluster = cluster(id);
        jdbi.useTransaction(h -> {
            int users = h.createQuery("SELECT (SELECT count(*) FROM hosts WHERE cluster_id = :id) "
                    + "+ (SELECT count(*) FROM vms WHERE cluster_id = :id)").bind("id", id).mapTo(Integer.class).one();
            if (users > 0) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Cluster " + cluster.name()
                        + " still holds hosts or VMs; remove them first");
            }
            h.createUpdate("DELETE FROM clusters WHERE id = :id").bind("id", id).execute();
            events.write(h, EventLog.Entry.info("CLUSTER_REMOVED", "Cluster " + cluster.name() + " was removed"));
        });
    }

    /** Runs an insert in a transaction and turns a taken name, checked first or raced, into a 409. */
    public void insertUnique(String kind, String name, java.util.function.Consumer<Handle> insert) {
        try {
            jdbi.useTransaction(insert::accept);
        } catch (RuntimeException e) {
            if (Rows.isUniqueViolation(e)) {
                throw new ConflictException(ErrorCode.DUPLICATE_NAME, "A " + kind + " named " + name + " exists already",
                        Map.of("name", name));
            }
            throw e;
        }
    }

    private static DataCenter toDataCenter(ResultSet rs) throws SQLException {
        return new DataCenter(rs.getObject("id").toString(), rs.getString("name"), rs.getString("description"),
                Rows.instant(rs, "created_at"));
    }

    private static Cluster toCluster(ResultSet rs) throws SQLException {
        MigrationPolicy policy = new MigrationPolicy(rs.getInt("migration_max_downtime_ms"), rs.getInt("migration_bandwidth_mibps"),
                rs.getBoolean("migration_auto_converge"), rs.getBoolean("migration_post_copy"),
                steps(rs.getString("migration_downtime_steps_ms")), rs.getInt("migration_stall_seconds"));
        return new Cluster(rs.getObject("id").toString(), rs.getString("name"), rs.getObject("data_center_id").toString(),
                rs.getString("description"), rs.getInt("memory_overcommit"), policy, rs.getInt("migration_max_outgoing"),
                rs.getInt("migration_max_incoming"), rs.getString("scheduling_policy"),
                json(rs.getString("scheduling_parameters")), Rows.instant(rs, "created_at"));
    }

    private static List<Integer> steps(String text) {
        return text.isBlank() ? List.of() : java.util.Arrays.stream(text.split(",")).map(String::strip).map(Integer::valueOf).toList();
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
