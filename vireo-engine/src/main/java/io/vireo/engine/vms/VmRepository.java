package io.vireo.engine.vms;

import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.Json;
import io.vireo.model.MigrationPolicyOverride;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** SQL of VMs. */
public final class VmRepository {
    static final ObjectMapper MAPPER = Json.lenientMapper();
    private final Jdbi jdbi;

    public VmRepository(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    public Optional<Vm> find(UUID id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    public Optional<Vm> find(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM vms WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> toVm(rs, diskIds(h, id))).findOne();
    }

    /** Locks the VM's row for the rest of the transaction, so two requests cannot both act on it. */
    public Optional<Vm> lock(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM vms WHERE id = :id FOR UPDATE").bind("id", id)
                .map((rs, ctx) -> toVm(rs, diskIds(h, id))).findOne();
    }

    /** A page of the VMs the caller may see that match the search, by name. */
    List<Vm> list(Visibility visible, SqlPredicate search, Paging paging) {
        SqlPredicate where = search.and(visible.on("vms.id"));
        // The disk ids come in the same query: one round trip for a page of 1,000 desktops, not 1,001.
        return jdbi.withHandle(h -> Pages.list(h, "SELECT vms.*, ARRAY(SELECT d.id::text FROM disks d WHERE d.vm_id = vms.id "
                        + "ORDER BY d.boot_order, d.created_at) AS disk_ids FROM vms", where, "name, id", paging,
                (rs, ctx) -> toVm(rs, List.of((String[]) rs.getArray("disk_ids").getArray()))));
    }

    void insert(Handle h, UUID id, String name, UUID clusterId, int vcpus, int memoryMib, UUID kernelFileId, UUID initrdFileId,
                String cmdline, String graphics, String migrationPolicyJson, UUID preferredHostId) {
        h.createUpdate("INSERT INTO vms (id, name, cluster_id, vcpus, memory_mib, kernel_file_id, initrd_file_id, cmdline, graphics, "
                        + "desired_state, status, migration_policy, preferred_host_id) VALUES (:id, :name, :cluster, :vcpus, "
                        + ":memory, CAST(:kernel AS uuid), CAST(:initrd AS uuid), :cmdline, :graphics, 'DOWN', 'DOWN', CAST(:policy AS jsonb), "
                        + "CAST(:preferred AS uuid))")
                .bind("policy", migrationPolicyJson).bind("preferred", preferredHostId)
                .bind("id", id).bind("name", name).bind("cluster", clusterId).bind("vcpus", vcpus).bind("memory", memoryMib)
                .bind("kernel", kernelFileId).bind("initrd", initrdFileId).bind("cmdline", cmdline).bind("graphics", graphics)
                .execute();
    }

    void setMigrationPolicy(Handle h, UUID id, String migrationPolicyJson) {
        h.createUpdate("UPDATE vms SET migration_policy = CAST(:policy AS jsonb) WHERE id = :id")
                .bind("id", id).bind("policy", migrationPolicyJson).execute();
    }

    void setPreferredHost(Handle h, UUID id, UUID hostId) {
        h.createUpdate("UPDATE vms SET preferred_host_id = :host WHERE id = :id").bind("id", id).bind("host", hostId).execute();
    }

    void delete(Handle h, UUID id) {
        h.createUpdate("DELETE FROM vms WHERE id = :id").bind("id", id).execute();
    }

    /** VMs moving out of a host (it is their source) or into it (their destination). */
    int migrationsFrom(UUID hostId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM vms WHERE status = 'MIGRATING_FROM' AND host_id = :host")
                .bind("host", hostId).mapTo(Integer.class).one());
    }

    int migrationsTo(UUID hostId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM vms WHERE status = 'MIGRATING_FROM' "
                        + "AND migrating_to_host_id = :host").bind("host", hostId).mapTo(Integer.class).one());
    }

    /** How many VMs have each status. */
    Map<VmStatus, Integer> countByStatus() {
        Map<VmStatus, Integer> counts = new java.util.EnumMap<>(VmStatus.class);
        jdbi.useHandle(h -> h.createQuery("SELECT status, count(*) AS n FROM vms GROUP BY status")
                .map((rs, ctx) -> Map.entry(VmStatus.valueOf(rs.getString("status")), rs.getInt("n")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }

    /**
     * Per host of the cluster, the memory its VMs hold and how many run there; a migrating VM counts
     * on its source and on its destination until it has moved.
     */
    Map<UUID, HostLoad> loadByHost(Handle h, UUID clusterId) {
        Map<UUID, HostLoad> load = new java.util.HashMap<>();
        h.createQuery("SELECT host, sum(memory_mib) AS committed, count(*) AS running FROM ("
                        + "SELECT host_id AS host, memory_mib FROM vms WHERE cluster_id = :cluster AND status <> 'DOWN' "
                        + "AND host_id IS NOT NULL UNION ALL SELECT migrating_to_host_id, memory_mib FROM vms "
                        + "WHERE cluster_id = :cluster AND status = 'MIGRATING_FROM') placed GROUP BY host")
                .bind("cluster", clusterId)
                .map((rs, ctx) -> Map.entry(rs.getObject("host", UUID.class), new HostLoad(rs.getLong("committed"),
                        rs.getInt("running"))))
                .forEach(entry -> load.put(entry.getKey(), entry.getValue()));
        return load;
    }

    /** Every VM placed on a host (not Down), with its migration destination or null: [vm, host, destination]. */
    List<UUID[]> placed(Handle h) {
        return h.createQuery("SELECT id, host_id, CASE WHEN status = 'MIGRATING_FROM' THEN migrating_to_host_id END AS destination "
                        + "FROM vms WHERE status <> 'DOWN' AND host_id IS NOT NULL")
                .map((rs, ctx) -> new UUID[] {rs.getObject("id", UUID.class), rs.getObject("host_id", UUID.class),
                        rs.getObject("destination", UUID.class)}).list();
    }

    /** The VMs of a cluster (for the scheduler's snapshot), without their disk ids. */
    List<Vm> inCluster(Handle h, UUID clusterId) {
        return h.createQuery("SELECT * FROM vms WHERE cluster_id = :cluster").bind("cluster", clusterId)
                .map((rs, ctx) -> toVm(rs, List.of())).list();
    }

    public List<Vm> onHost(Handle h, UUID hostId) {
        return h.createQuery("SELECT * FROM vms WHERE host_id = :host").bind("host", hostId)
                .map((rs, ctx) -> toVm(rs, List.of())).list();
    }

    public void setStatus(Handle h, UUID id, VmStatus status, UUID hostId, DisplayPorts display) {
        h.createUpdate("UPDATE vms SET status = :status, host_id = CAST(:host AS uuid), vnc_port = CAST(:vnc AS integer), "
                        + "display_tls_port = CAST(:tls AS integer), "
                        + "migrating_to_host_id = CASE WHEN :status = 'MIGRATING_FROM' THEN migrating_to_host_id ELSE NULL END, "
                        + "status_changed_at = CASE WHEN status <> :status THEN now() ELSE status_changed_at END WHERE id = :id")
                .bind("id", id).bind("status", status.name()).bind("host", hostId).bind("vnc", display.port())
                .bind("tls", display.tlsPort()).execute();
    }

    /** The VM starts moving to another host: MigratingFrom, still on its source. */
    public void startMigration(Handle h, UUID id, UUID destination) {
        h.createUpdate("UPDATE vms SET status = 'MIGRATING_FROM', migrating_to_host_id = :destination, "
                        + "status_changed_at = now() WHERE id = :id")
                .bind("id", id).bind("destination", destination).execute();
    }

    public void recordStatistics(Handle h, UUID id, long cpuTimeNanos) {
        h.createUpdate("UPDATE vms SET cpu_time_nanos = :cpu, stats_updated_at = now() WHERE id = :id")
                .bind("id", id).bind("cpu", cpuTimeNanos).execute();
    }

    public void setDesiredState(Handle h, UUID id, String desired) {
        h.createUpdate("UPDATE vms SET desired_state = :desired WHERE id = :id").bind("id", id).bind("desired", desired).execute();
    }


    private static List<String> diskIds(Handle h, UUID vmId) {
        return h.createQuery("SELECT id FROM disks WHERE vm_id = :vm ORDER BY boot_order, created_at").bind("vm", vmId)
                .mapTo(UUID.class).map(UUID::toString).list();
    }

    static Vm toVm(ResultSet rs, List<String> diskIds) throws SQLException {
        return new Vm(rs.getObject("id").toString(), rs.getString("name"), rs.getObject("cluster_id").toString(),
                rs.getInt("vcpus"), rs.getInt("memory_mib"), Rows.id(rs, "kernel_file_id"), Rows.id(rs, "initrd_file_id"),
                rs.getString("cmdline"), rs.getString("graphics"), rs.getString("desired_state"),
                VmStatus.valueOf(rs.getString("status")), Rows.id(rs, "host_id"), Rows.id(rs, "migrating_to_host_id"),
                Rows.integer(rs, "vnc_port"), Rows.integer(rs, "display_tls_port"), diskIds, rs.getLong("cpu_time_nanos"),
                migrationPolicy(rs.getString("migration_policy")), Rows.id(rs, "preferred_host_id"),
                Rows.instant(rs, "stats_updated_at"), Rows.instant(rs, "status_changed_at"), Rows.instant(rs, "created_at"),
                Rows.id(rs, "pool_id"), Rows.id(rs, "assigned_user_id"));
    }

    private static MigrationPolicyOverride migrationPolicy(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, MigrationPolicyOverride.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable migration_policy: " + json, e);
        }
    }
}
