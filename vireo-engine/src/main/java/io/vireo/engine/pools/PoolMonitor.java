package io.vireo.engine.pools;

import io.vireo.engine.common.DomainException;
import io.vireo.engine.auth.PermissionService;
import io.vireo.model.ObjectType;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.jobs.JobRepository;
import io.vireo.engine.jobs.JobTarget;
import io.vireo.engine.storage.StorageJobParams;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.engine.vms.StartVmJob;
import io.vireo.engine.vms.VmService;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * On the leader, every few seconds and whenever a pool changes: makes each pool's desktops match
 * its shape. It makes missing desktops and removes surplus free ones, takes back the desktops of
 * stateless pools whose users shut them down and resets them to the template, and keeps the asked
 * number of free desktops started. Each of these works in batches, so a pool of 1,000 does not
 * start 1,000 jobs at once.
 */
public final class PoolMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PoolMonitor.class);
    /** Desktops made or removed per pool and round: rows and a cheap qemu-img job each. */
    public static final int MAKE_BATCH = 25;
    /** Desktops started or reset per pool and round: a start costs a host real work. */
    public static final int BATCH = 5;
    private static final Duration SOON = Duration.ofSeconds(1);
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final VmService vms;
    private final JobRepository jobs;
    private final LeadershipLease leadership;
    private final EventLog events;
    private final PermissionService permissions;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pool-monitor").daemon().factory());

    public PoolMonitor(Jdbi jdbi, VmService vms, JobRepository jobs, LeadershipLease leadership, EventLog events,
                       PermissionService permissions) {
        this.permissions = requireNonNull(permissions, "permissions");
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.vms = requireNonNull(vms, "vms");
        this.jobs = requireNonNull(jobs, "jobs");
        this.leadership = requireNonNull(leadership, "leadership");
        this.events = requireNonNull(events, "events");
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::runOnce, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Looks at the pools now rather than at the next tick (a pool was made, changed, or a desktop taken). */
    public void wake() {
        timer.execute(this::runOnce);
    }

    private record PoolRow(UUID id, String name, String type, String status, int size, int prestarted, UUID templateId,
                           UUID dataCenterId) {
    }

    public void runOnce() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            List<PoolRow> pools = jdbi.withHandle(h -> h.createQuery("SELECT p.*, c.data_center_id FROM vm_pools p "
                            + "JOIN clusters c ON c.id = p.cluster_id ORDER BY p.name")
                    .map((rs, ctx) -> new PoolRow(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("type"),
                            rs.getString("status"), rs.getInt("size"), rs.getInt("prestarted"),
                            rs.getObject("template_vm_id", UUID.class), rs.getObject("data_center_id", UUID.class))).list());
            boolean unfinished = false;
            for (PoolRow pool : pools) {
                try {
                    unfinished |= reconcile(pool);
                } catch (RuntimeException e) {
                    log.warn("Pool {}: {}", pool.name(), e.getMessage(), e);
                }
            }
            if (unfinished) {
                // a large pool is made batch after batch, a second apart, not one batch per tick
                timer.schedule(this::runOnce, SOON.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            log.warn("The pool monitor failed: {}", e.getMessage(), e);
        }
    }

    /** Answers whether the pool still differs from its shape in size after this round's batch. */
    private boolean reconcile(PoolRow pool) {
        if (pool.type().equals("AUTOMATIC")) {
            takeBackShutDownDesktops(pool);
        }
        resetDesktops(pool);
        int desktops = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM vms WHERE pool_id = :pool")
                .bind("pool", pool.id()).mapTo(Integer.class).one());
        if (pool.status().equals("DELETING") && desktops == 0) {
            jdbi.useTransaction(h -> {
                h.createUpdate("DELETE FROM vm_pools WHERE id = :id AND status = 'DELETING'").bind("id", pool.id()).execute();
                events.write(h, EventLog.Entry.info("POOL_REMOVED", "Pool " + pool.name() + " was removed"));
            });
            return false;
        }
        boolean unfinished = false;
        if (desktops < pool.size()) {
            makeDesktops(pool, Math.min(MAKE_BATCH, pool.size() - desktops));
            unfinished = pool.size() - desktops > MAKE_BATCH;
        } else if (desktops > pool.size()) {
            unfinished = removeDesktops(pool, Math.min(MAKE_BATCH, desktops - pool.size())) == MAKE_BATCH;
        }
        if (pool.status().equals("ACTIVE")) {
            prestart(pool);
        }
        return unfinished;
    }

    /** A stateless desktop whose user shut it down (or that stopped) goes back to the pool, to be reset. */
    private void takeBackShutDownDesktops(PoolRow pool) {
        jdbi.useTransaction(h -> {
            List<Map<String, Object>> returned = h.createQuery("SELECT v.id, v.name, v.assigned_user_id, u.name AS user_name, "
                            + "EXISTS (SELECT 1 FROM disks d WHERE d.vm_id = v.id AND d.backing_disk_id IS NOT NULL) AS has_overlays "
                            + "FROM vms v LEFT JOIN users u ON u.id = v.assigned_user_id "
                            + "WHERE v.pool_id = :pool AND v.assigned_user_id IS NOT NULL AND v.status = 'DOWN' "
                            + "AND v.desired_state = 'DOWN' "
                            + "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.target_id = v.id AND j.status IN ('PENDING', 'RUNNING')) "
                            + "FOR UPDATE OF v SKIP LOCKED")
                    .bind("pool", pool.id()).mapToMap().list();
            for (Map<String, Object> desktop : returned) {
                UUID vmId = (UUID) desktop.get("id");
                h.createUpdate("UPDATE vms SET assigned_user_id = NULL, assigned_at = NULL, needs_reset = :reset WHERE id = :id")
                        .bind("reset", (Boolean) desktop.get("has_overlays")).bind("id", vmId).execute();
                permissions.revokeAll(h, ObjectType.VM, vmId, (UUID) desktop.get("assigned_user_id"));
                events.write(h, EventLog.Entry.info("DESKTOP_RETURNED", "Desktop " + desktop.get("name") + " went back to pool "
                        + pool.name() + " after user " + desktop.get("user_name") + " shut it down"
                        + ((Boolean) desktop.get("has_overlays") ? "; it is reset to the template" : "")).vm(vmId));
            }
        });
    }

    /** Desktops waiting for fresh overlays get a reset job; one that failed is tried again after a pause. */
    private void resetDesktops(PoolRow pool) {
        jdbi.useTransaction(h -> {
            List<Map<String, Object>> waiting = h.createQuery("SELECT v.id, v.name FROM vms v WHERE v.pool_id = :pool "
                            + "AND v.needs_reset AND v.status = 'DOWN' "
                            + "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.target_id = v.id AND (j.status IN ('PENDING', 'RUNNING') "
                            + "OR (j.status = 'FAILED' AND j.ended_at > now() - interval '30 seconds'))) "
                            + "ORDER BY v.pool_index LIMIT :batch FOR UPDATE OF v SKIP LOCKED")
                    .bind("pool", pool.id()).bind("batch", BATCH).mapToMap().list();
            for (Map<String, Object> desktop : waiting) {
                jobs.create(h, ResetDesktopJob.KIND, JobTarget.vm((UUID) desktop.get("id")), "Reset desktop " + desktop.get("name")
                        + " to its template", new StorageJobParams(pool.dataCenterId()));
            }
        });
    }

    private void makeDesktops(PoolRow pool, int count) {
        List<String> made = jdbi.inTransaction(h -> {
            // Locking the pool row keeps two monitors (an old and a new leader) from numbering the same desktop.
            if (h.createQuery("SELECT status FROM vm_pools WHERE id = :id FOR UPDATE").bind("id", pool.id())
                    .mapTo(String.class).findOne().isEmpty()) {
                return List.of();
            }
            Map<String, Object> template = h.createQuery("SELECT * FROM vms WHERE id = :id").bind("id", pool.templateId())
                    .mapToMap().one();
            List<Map<String, Object>> templateDisks = h.createQuery("SELECT d.*, s.path AS domain_path FROM disks d "
                            + "JOIN storage_domains s ON s.id = d.storage_domain_id WHERE d.vm_id = :vm ORDER BY d.boot_order")
                    .bind("vm", pool.templateId()).mapToMap().list();
            // Numbers in use by the pool, and names taken by anything else (a VM or disk named like a desktop):
            // read once per batch, so that making 25 desktops is 2 reads, not 25 scans.
            String prefix = pool.name() + "-";
            java.util.Set<Integer> used = new java.util.HashSet<>(h.createQuery("SELECT pool_index FROM vms WHERE pool_id = :pool")
                    .bind("pool", pool.id()).mapTo(Integer.class).list());
            java.util.Set<String> taken = new java.util.HashSet<>(h.createQuery("SELECT name FROM vms WHERE starts_with(name, :prefix) "
                            + "UNION ALL SELECT substring(name FROM '^(.*)-disk[0-9]+$') FROM disks WHERE starts_with(name, :prefix)")
                    .bind("prefix", prefix).mapTo(String.class).list());
            List<String> names = new ArrayList<>();
            int index = 0;
            for (int i = 0; i < count; i++) {
                do {
                    index++;
                } while (used.contains(index) || taken.contains(prefix + index));
                used.add(index);
                names.add(makeDesktop(h, pool, index, template, templateDisks));
            }
            return names;
        });
        if (!made.isEmpty()) {
            log.info("Pool {}: making desktops {}", pool.name(), made);
        }
    }

    private String makeDesktop(Handle h, PoolRow pool, int index, Map<String, Object> template,
                               List<Map<String, Object>> templateDisks) {
        String name = pool.name() + "-" + index;
        UUID vmId = UUID.randomUUID();
        h.createUpdate("INSERT INTO vms (id, name, cluster_id, vcpus, memory_mib, kernel, initrd, cmdline, graphics, "
                        + "desired_state, status, pool_id, pool_index) SELECT :id, :name, cluster_id, vcpus, memory_mib, kernel, "
                        + "initrd, cmdline, graphics, 'DOWN', 'DOWN', :pool, :index FROM vms WHERE id = :template")
                .bind("id", vmId).bind("name", name).bind("pool", pool.id()).bind("index", index)
                .bind("template", pool.templateId()).execute();
        int position = 0;
        for (Map<String, Object> base : templateDisks) {
            position++;
            UUID diskId = UUID.randomUUID();
            h.createUpdate("INSERT INTO disks (id, name, storage_domain_id, size_bytes, format, status, path, vm_id, boot_order, "
                            + "backing_disk_id) VALUES (:id, :name, :domain, :size, 'qcow2', 'LOCKED', :path, :vm, :order, :backing)")
                    .bind("id", diskId).bind("name", name + "-disk" + position).bind("domain", (UUID) base.get("storage_domain_id"))
                    .bind("size", (Long) base.get("size_bytes")).bind("path", base.get("domain_path") + "/" + diskId + ".qcow2")
                    .bind("vm", vmId).bind("order", (Integer) base.get("boot_order")).bind("backing", (UUID) base.get("id"))
                    .execute();
        }
        if (!templateDisks.isEmpty()) {
            jobs.create(h, CreateDesktopJob.KIND, JobTarget.vm(vmId), "Make desktop " + name + " of pool " + pool.name()
                    + " (thin overlays of the template's disks)", new StorageJobParams(pool.dataCenterId()));
        }
        events.write(h, EventLog.Entry.info("DESKTOP_CREATED", "Desktop " + name + " of pool " + pool.name() + " was made from template "
                + template.get("name")).vm(vmId));
        return name;
    }

    /** Removes free, Down desktops, the highest numbers first, with their overlay disks. */
    private int removeDesktops(PoolRow pool, int count) {
        List<UUID> surplus = jdbi.withHandle(h -> h.createQuery("SELECT v.id FROM vms v WHERE v.pool_id = :pool AND v.status = 'DOWN' "
                        + "AND (v.assigned_user_id IS NULL OR :deleting) "
                        + "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.target_id = v.id AND j.status IN ('PENDING', 'RUNNING')) "
                        + "ORDER BY v.pool_index DESC LIMIT :count")
                .bind("pool", pool.id()).bind("deleting", pool.status().equals("DELETING")).bind("count", count)
                .mapTo(UUID.class).list());
        int removed = 0;
        for (UUID vmId : surplus) {
            try {
                vms.delete(vmId, true);
                removed++;
            } catch (DomainException e) {
                log.info("Pool {}: desktop {} not removed now: {}", pool.name(), vmId, e.getMessage());
            }
        }
        return removed;
    }

    /** Starts free desktops until the pool has as many free running ones as it should keep ready. */
    private void prestart(PoolRow pool) {
        if (pool.prestarted() == 0) {
            return;
        }
        List<UUID> toStart = jdbi.withHandle(h -> {
            int ready = h.createQuery("SELECT count(*) FROM vms v WHERE v.pool_id = :pool AND " + Desktops.FREE
                            + " AND (v.status <> 'DOWN' OR EXISTS (SELECT 1 FROM jobs j WHERE j.target_id = v.id "
                            + "AND j.status IN ('PENDING', 'RUNNING')))")
                    .bind("pool", pool.id()).mapTo(Integer.class).one();
            int missing = Math.min(BATCH, pool.prestarted() - ready);
            if (missing <= 0) {
                return List.<UUID>of();
            }
            return h.createQuery("SELECT v.id FROM vms v WHERE v.pool_id = :pool AND v.status = 'DOWN' AND " + Desktops.FREE
                            + " AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.target_id = v.id AND j.status IN ('PENDING', 'RUNNING') "
                            + "OR (j.target_id = v.id AND j.status = 'FAILED' AND j.kind = 'START_VM' "
                            + "AND j.ended_at > now() - interval '30 seconds')) "
                            + "ORDER BY v.pool_index LIMIT :missing")
                    .bind("pool", pool.id()).bind("missing", missing).mapTo(UUID.class).list();
        });
        for (UUID vmId : toStart) {
            try {
                vms.action(vmId, StartVmJob.request(null));
            } catch (DomainException e) {
                log.info("Pool {}: cannot prestart a desktop now: {}", pool.name(), e.getMessage());
                return;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
