package io.vireo.engine.pools;

import io.vireo.engine.common.DomainException;
import io.vireo.engine.auth.PermissionService;
import io.vireo.model.ObjectType;
import io.vireo.model.VmPoolStatus;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.jobs.JobService;
import io.vireo.engine.jobs.JobTarget;
import io.vireo.engine.storage.StorageJobParams;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.engine.vms.StartVmJob;
import io.vireo.engine.vms.VmService;
import io.vireo.engine.vms.DesktopService;
import io.vireo.engine.storage.StorageService;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.auth.UserDirectory;
import io.vireo.model.User;
import io.vireo.model.Vm;
import java.util.HashSet;
import java.util.Set;
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
 * start 1,000 jobs at once. Desktops are VMs: every row of theirs is written by the VM feature.
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
    private final PoolRepository pools;
    private final VmService vms;
    private final DesktopService desktops;
    private final StorageService storage;
    private final DataCenterService dataCenters;
    private final JobService jobs;
    private final LeadershipLease leadership;
    private final EventLog events;
    private final PermissionService permissions;
    private final UserDirectory users;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pool-monitor").daemon().factory());

    public PoolMonitor(Jdbi jdbi, VmService vms, DesktopService desktops, StorageService storage, DataCenterService dataCenters,
                       JobService jobs, LeadershipLease leadership, EventLog events, PermissionService permissions,
                       UserDirectory users) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.pools = new PoolRepository(jdbi);
        this.vms = requireNonNull(vms, "vms");
        this.desktops = requireNonNull(desktops, "desktops");
        this.storage = requireNonNull(storage, "storage");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.jobs = requireNonNull(jobs, "jobs");
        this.leadership = requireNonNull(leadership, "leadership");
        this.events = requireNonNull(events, "events");
        this.permissions = requireNonNull(permissions, "permissions");
        this.users = requireNonNull(users, "users");
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::runOnce, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Looks at the pools now rather than at the next tick (a pool was made, changed, or a desktop taken). */
    public void wake() {
        timer.execute(this::runOnce);
    }

    public void runOnce() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            boolean unfinished = false;
            for (PoolRepository.PoolRow pool : pools.all()) {
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
    private boolean reconcile(PoolRepository.PoolRow pool) {
        if (pool.type().equals("AUTOMATIC")) {
            takeBackShutDownDesktops(pool);
        }
        UUID dataCenterId = UUID.fromString(dataCenters.cluster(pool.clusterId()).dataCenterId());
        resetDesktops(pool, dataCenterId);
        int count = desktops.count(pool.id());
        if (pool.status() == VmPoolStatus.DELETING && count == 0) {
            jdbi.useTransaction(h -> {
                if (pools.deleteIfDeleting(h, pool.id())) {
                    events.write(h, EventLog.Entry.info("POOL_REMOVED", "Pool " + pool.name() + " was removed"));
                }
            });
            return false;
        }
        boolean unfinished = false;
        if (count < pool.size()) {
            makeDesktops(pool, dataCenterId, Math.min(MAKE_BATCH, pool.size() - count));
            unfinished = pool.size() - count > MAKE_BATCH;
        } else if (count > pool.size()) {
            unfinished = removeDesktops(pool, Math.min(MAKE_BATCH, count - pool.size())) == MAKE_BATCH;
        }
        if (pool.status() == VmPoolStatus.ACTIVE) {
            prestart(pool);
        }
        return unfinished;
    }

    /** A stateless desktop whose user shut it down (or that stopped) goes back to the pool, to be reset. */
    private void takeBackShutDownDesktops(PoolRepository.PoolRow pool) {
        jdbi.useTransaction(h -> {
            for (DesktopService.Returned desktop : desktops.lockReturned(h, pool.id())) {
                desktops.markReturned(h, desktop.vmId(), desktop.hasOverlays());
                permissions.revokeAll(h, ObjectType.VM, desktop.vmId(), desktop.userId());
                String user = users.find(desktop.userId()).map(User::name).orElse("(removed)");
                events.write(h, EventLog.Entry.info("DESKTOP_RETURNED", "Desktop " + desktop.name() + " went back to pool "
                        + pool.name() + " after user " + user + " shut it down"
                        + (desktop.hasOverlays() ? "; it is reset to the template" : "")).vm(desktop.vmId()));
            }
        });
    }

    /** Desktops waiting for fresh overlays get a reset job; one that failed is tried again after a pause. */
    private void resetDesktops(PoolRepository.PoolRow pool, UUID dataCenterId) {
        jdbi.useTransaction(h -> {
            for (Map.Entry<UUID, String> desktop : desktops.lockAwaitingReset(h, pool.id(), BATCH)) {
                jobs.create(h, ResetDesktopJob.KIND, JobTarget.vm(desktop.getKey()), "Reset desktop " + desktop.getValue()
                        + " to its template", new StorageJobParams(dataCenterId));
            }
        });
    }

    private void makeDesktops(PoolRepository.PoolRow pool, UUID dataCenterId, int count) {
        List<String> made = jdbi.inTransaction(h -> {
            // Locking the pool row keeps two monitors (an old and a new leader) from numbering the same desktop.
            if (pools.lock(h, pool.id()).isEmpty()) {
                return List.of();
            }
            Vm template = vms.vm(h, pool.templateId());
            // Numbers in use by the pool, and names taken by anything else (a VM or disk named like a desktop):
            // read once per batch, so that making 25 desktops is 2 reads, not 25 scans.
            String prefix = pool.name() + "-";
            Set<Integer> used = desktops.usedIndexes(h, pool.id());
            Set<String> taken = new HashSet<>(desktops.vmNamesStartingWith(h, prefix));
            taken.addAll(storage.diskOwnerNames(h, prefix));
            List<String> names = new ArrayList<>();
            int index = 0;
            for (int i = 0; i < count; i++) {
                do {
                    index++;
                } while (used.contains(index) || taken.contains(prefix + index));
                used.add(index);
                names.add(makeDesktop(h, pool, dataCenterId, index, template));
            }
            return names;
        });
        if (!made.isEmpty()) {
            log.info("Pool {}: making desktops {}", pool.name(), made);
        }
    }

    private String makeDesktop(Handle h, PoolRepository.PoolRow pool, UUID dataCenterId, int index, Vm template) {
        String name = pool.name() + "-" + index;
        UUID vmId = UUID.randomUUID();
        if (desktops.create(h, vmId, name, template, pool.id(), index, pool.name())) {
            jobs.create(h, CreateDesktopJob.KIND, JobTarget.vm(vmId), "Make desktop " + name + " of pool " + pool.name()
                    + " (thin overlays of the template's disks)", new StorageJobParams(dataCenterId));
        }
        return name;
    }

    /** Removes free, Down desktops, the highest numbers first, with their overlay disks. */
    private int removeDesktops(PoolRepository.PoolRow pool, int count) {
        int removed = 0;
        for (UUID vmId : desktops.surplus(pool.id(), count, pool.status() == VmPoolStatus.DELETING)) {
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
    private void prestart(PoolRepository.PoolRow pool) {
        if (pool.prestarted() == 0) {
            return;
        }
        int missing = Math.min(BATCH, pool.prestarted() - desktops.readyCount(pool.id()));
        if (missing <= 0) {
            return;
        }
        for (UUID vmId : desktops.startable(pool.id(), missing)) {
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
