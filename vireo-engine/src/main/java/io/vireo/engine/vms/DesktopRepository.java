package io.vireo.engine.vms;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * SQL of pool desktops: the VM rows that carry a pool id. Whether a desktop is free to give out
 * depends on its disks being usable and on no job working on it, so {@link #FREE} reads disks.status
 * and jobs.status: the one place where vms reads other features' tables, read-only, so that a pool of
 * thousands is counted and chosen from in one query.
 */
final class DesktopRepository {
    private static final String OPEN_JOB = "SELECT 1 FROM jobs j WHERE j.target_id = v.id AND j.status IN ('PENDING', 'RUNNING')";
    /**
     * Given to nobody, not waiting for a reset, every disk usable, running or Down or on its way up,
     * and no job at work on it except a start (a prestarting desktop may be handed out).
     */
    static final String FREE = "v.assigned_user_id IS NULL AND NOT v.needs_reset "
            + "AND v.status IN ('DOWN', 'POWERING_UP', 'UP', 'MIGRATING_FROM') "
            + "AND NOT EXISTS (SELECT 1 FROM disks d WHERE d.vm_id = v.id AND d.status <> 'OK') "
            + "AND NOT EXISTS (" + OPEN_JOB + " AND j.kind <> 'START_VM')";

    private final Jdbi jdbi;

    DesktopRepository(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    Map<UUID, DesktopCounts> counts(Handle h, Collection<UUID> poolIds) {
        Map<UUID, DesktopCounts> counts = new HashMap<>();
        if (poolIds.isEmpty()) {
            return counts;
        }
        h.createQuery("SELECT v.pool_id, count(*) AS desktops, "
                        + "count(*) FILTER (WHERE v.assigned_user_id IS NOT NULL) AS assigned, "
                        + "count(*) FILTER (WHERE v.status <> 'DOWN') AS running, "
                        + "count(*) FILTER (WHERE " + FREE + ") AS free FROM vms v WHERE v.pool_id IN (<pools>) GROUP BY v.pool_id")
                .bindList("pools", List.copyOf(poolIds))
                .map((rs, ctx) -> Map.entry(rs.getObject("pool_id", UUID.class), new DesktopCounts(rs.getInt("desktops"),
                        rs.getInt("free"), rs.getInt("assigned"), rs.getInt("running"))))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
        return counts;
    }

    int count(UUID poolId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM vms WHERE pool_id = :pool").bind("pool", poolId)
                .mapTo(Integer.class).one());
    }

    List<String> runningNames(Handle h, UUID poolId) {
        return h.createQuery("SELECT name FROM vms WHERE pool_id = :pool AND status <> 'DOWN' ORDER BY name")
                .bind("pool", poolId).mapTo(String.class).list();
    }

    List<String> namesOfUser(Handle h, UUID poolId, UUID userId) {
        return h.createQuery("SELECT name FROM vms WHERE pool_id = :pool AND assigned_user_id = :user ORDER BY name")
                .bind("pool", poolId).bind("user", userId).mapTo(String.class).list();
    }

    /** The free desktop to give next, locked: running first, then starting, then Down; the lowest number among equals. */
    Optional<UUID> lockNextFree(Handle h, UUID poolId) {
        return h.createQuery("SELECT id FROM vms v WHERE v.pool_id = :pool AND " + FREE
                        + " ORDER BY CASE WHEN v.status = 'UP' THEN 0 WHEN v.status <> 'DOWN' THEN 1 "
                        + "WHEN EXISTS (" + OPEN_JOB + ") THEN 1 ELSE 2 END, v.pool_index LIMIT 1 FOR UPDATE")
                .bind("pool", poolId).mapTo(UUID.class).findOne();
    }

    void assign(Handle h, UUID vmId, UUID userId) {
        h.createUpdate("UPDATE vms SET assigned_user_id = :user, assigned_at = now() WHERE id = :id")
                .bind("user", userId).bind("id", vmId).execute();
    }

    /** Desktops of a stateless pool whose users shut them down, locked (skipping those another round holds). */
    List<Returned> lockReturned(Handle h, UUID poolId) {
        return h.createQuery("SELECT v.id, v.name, v.assigned_user_id, "
                        + "EXISTS (SELECT 1 FROM disks d WHERE d.vm_id = v.id AND d.backing_disk_id IS NOT NULL) AS has_overlays "
                        + "FROM vms v WHERE v.pool_id = :pool AND v.assigned_user_id IS NOT NULL AND v.status = 'DOWN' "
                        + "AND v.desired_state = 'DOWN' AND NOT EXISTS (" + OPEN_JOB + ") FOR UPDATE OF v SKIP LOCKED")
                .bind("pool", poolId)
                .map((rs, ctx) -> new Returned(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getObject("assigned_user_id", UUID.class), rs.getBoolean("has_overlays")))
                .list();
    }

    record Returned(UUID vmId, String name, UUID userId, boolean hasOverlays) {
    }

    void markReturned(Handle h, UUID vmId, boolean needsReset) {
        h.createUpdate("UPDATE vms SET assigned_user_id = NULL, assigned_at = NULL, needs_reset = :reset WHERE id = :id")
                .bind("reset", needsReset).bind("id", vmId).execute();
    }

    void setNeedsReset(Handle h, UUID vmId, boolean needsReset) {
        h.createUpdate("UPDATE vms SET needs_reset = :reset WHERE id = :id").bind("reset", needsReset).bind("id", vmId).execute();
    }

    /** Down desktops waiting for fresh overlays, locked, except those a job works on or whose reset failed just now. */
    List<Map.Entry<UUID, String>> lockAwaitingReset(Handle h, UUID poolId, int batch) {
        return h.createQuery("SELECT v.id, v.name FROM vms v WHERE v.pool_id = :pool AND v.needs_reset AND v.status = 'DOWN' "
                        + "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.target_id = v.id AND (j.status IN ('PENDING', 'RUNNING') "
                        + "OR (j.status = 'FAILED' AND j.ended_at > now() - interval '30 seconds'))) "
                        + "ORDER BY v.pool_index LIMIT :batch FOR UPDATE OF v SKIP LOCKED")
                .bind("pool", poolId).bind("batch", batch)
                .map((rs, ctx) -> Map.entry(rs.getObject("id", UUID.class), rs.getString("name"))).list();
    }

    Set<Integer> usedIndexes(Handle h, UUID poolId) {
        return new HashSet<>(h.createQuery("SELECT pool_index FROM vms WHERE pool_id = :pool").bind("pool", poolId)
                .mapTo(Integer.class).list());
    }

    Set<String> vmNamesStartingWith(Handle h, String prefix) {
        return new HashSet<>(h.createQuery("SELECT name FROM vms WHERE starts_with(name, :prefix)").bind("prefix", prefix)
                .mapTo(String.class).list());
    }

    /** A new Down desktop with the template's hardware. */
    void insertFromTemplate(Handle h, UUID vmId, String name, UUID templateId, UUID poolId, int index) {
        h.createUpdate("INSERT INTO vms (id, name, cluster_id, vcpus, memory_mib, kernel_file_id, initrd_file_id, cmdline, "
                        + "graphics, desired_state, status, pool_id, pool_index) SELECT :id, :name, cluster_id, vcpus, memory_mib, "
                        + "kernel_file_id, initrd_file_id, cmdline, graphics, 'DOWN', 'DOWN', :pool, :index FROM vms WHERE id = :template")
                .bind("id", vmId).bind("name", name).bind("pool", poolId).bind("index", index).bind("template", templateId)
                .execute();
    }

    /** Free Down desktops to remove, the highest numbers first (any Down one when the pool is being removed). */
    List<UUID> surplus(UUID poolId, int count, boolean poolDeleting) {
        return jdbi.withHandle(h -> h.createQuery("SELECT v.id FROM vms v WHERE v.pool_id = :pool AND v.status = 'DOWN' "
                        + "AND (v.assigned_user_id IS NULL OR :deleting) AND NOT EXISTS (" + OPEN_JOB + ") "
                        + "ORDER BY v.pool_index DESC LIMIT :count")
                .bind("pool", poolId).bind("deleting", poolDeleting).bind("count", count).mapTo(UUID.class).list());
    }

    /** Free desktops that run or are being started. */
    int readyCount(UUID poolId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM vms v WHERE v.pool_id = :pool AND " + FREE
                        + " AND (v.status <> 'DOWN' OR EXISTS (" + OPEN_JOB + "))")
                .bind("pool", poolId).mapTo(Integer.class).one());
    }

    /** Free Down desktops to start, except those whose start failed just now. */
    List<UUID> startable(UUID poolId, int count) {
        return jdbi.withHandle(h -> h.createQuery("SELECT v.id FROM vms v WHERE v.pool_id = :pool AND v.status = 'DOWN' AND "
                        + FREE + " AND NOT EXISTS (" + OPEN_JOB + " OR (j.target_id = v.id AND j.status = 'FAILED' "
                        + "AND j.kind = 'START_VM' AND j.ended_at > now() - interval '30 seconds')) "
                        + "ORDER BY v.pool_index LIMIT :count")
                .bind("pool", poolId).bind("count", count).mapTo(UUID.class).list());
    }
}
