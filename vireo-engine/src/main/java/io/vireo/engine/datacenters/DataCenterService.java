package io.vireo.engine.datacenters;

import io.vireo.engine.api.ApiException;
import io.vireo.engine.api.Fields;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Rows;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;
import io.vireo.model.ErrorCode;
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
                .orElseThrow(() -> ApiException.notFound(ErrorCode.DATA_CENTER_NOT_FOUND, "data center", id));
    }

    public void deleteDataCenter(UUID id) {
        DataCenter dataCenter = dataCenter(id);
        jdbi.useTransaction(h -> {
            int users = h.createQuery("SELECT (SELECT count(*) FROM clusters WHERE data_center_id = :id) "
                    + "+ (SELECT count(*) FROM storage_domains WHERE data_center_id = :id)").bind("id", id)
                    .mapTo(Integer.class).one();
            if (users > 0) {
                throw new ApiException(ErrorCode.ENTITY_IN_USE, "Data center " + dataCenter.name()
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
        return findCluster(id).orElseThrow(() -> ApiException.notFound(ErrorCode.CLUSTER_NOT_FOUND, "cluster", id));
    }

    public Optional<Cluster> findCluster(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM clusters WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> toCluster(rs)).findOne());
    }

    public void deleteCluster(UUID id) {
        Cluster cluster = cluster(id);
        jdbi.useTransaction(h -> {
            int users = h.createQuery("SELECT (SELECT count(*) FROM hosts WHERE cluster_id = :id) "
                    + "+ (SELECT count(*) FROM vms WHERE cluster_id = :id)").bind("id", id).mapTo(Integer.class).one();
            if (users > 0) {
                throw new ApiException(ErrorCode.ENTITY_IN_USE, "Cluster " + cluster.name()
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
                throw new ApiException(ErrorCode.DUPLICATE_NAME, "A " + kind + " named " + name + " exists already",
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
        return new Cluster(rs.getObject("id").toString(), rs.getString("name"), rs.getObject("data_center_id").toString(),
                rs.getString("description"), rs.getInt("memory_overcommit"), Rows.instant(rs, "created_at"));
    }
}
