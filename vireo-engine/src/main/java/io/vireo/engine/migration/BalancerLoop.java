package io.vireo.engine.migration;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.jobs.JobService;
import io.vireo.engine.jobs.JobTarget;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.engine.scheduling.Balancer;
import io.vireo.engine.scheduling.ClusterSnapshot;
import io.vireo.engine.placement.ClusterSnapshotReader;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.vms.VmService;
import io.vireo.model.Cluster;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import io.vireo.engine.scheduling.ProposedMigration;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * On the leader, every interval: for each cluster, ask the balancer what to move under the
 * cluster's policy (spread, pack for power saving, repair soft affinity) and start those live
 * migrations as jobs, never more at once than the cluster's outgoing-migration limit.
 */
public final class BalancerLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BalancerLoop.class);

    private final Jdbi jdbi;
    private final ClusterSnapshotReader snapshots;
    private final DataCenterService dataCenters;
    private final VmService vms;
    private final Balancer balancer;
    private final JobService jobs;
    private final LeadershipLease leadership;
    private final EventLog events;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("balancer").daemon().factory());

    public BalancerLoop(Jdbi jdbi, ClusterSnapshotReader snapshots, Balancer balancer, DataCenterService dataCenters,
                        VmService vms, JobService jobs, LeadershipLease leadership, EventLog events, Duration interval) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.vms = requireNonNull(vms, "vms");
        this.snapshots = requireNonNull(snapshots, "snapshots");
        this.balancer = requireNonNull(balancer, "balancer");
        this.jobs = requireNonNull(jobs, "jobs");
        this.leadership = requireNonNull(leadership, "leadership");
        this.events = requireNonNull(events, "events");
        this.interval = requireNonNull(interval, "interval");
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One balancing pass over every cluster; answers how many migrations it started. */
    public int runOnce() {
        if (!leadership.isLeader()) {
            return 0;
        }
        int started = 0;
        try {
            for (Cluster cluster : dataCenters.clusters()) {
                started += balance(UUID.fromString(cluster.id()), cluster.maxOutgoingMigrations());
            }
        } catch (RuntimeException e) {
            log.warn("Balancing failed: {}", e.getMessage());
        }
        return started;
    }

    private int balance(UUID clusterId, int maxOutgoing) {
        ClusterSnapshot snapshot = snapshots.read(clusterId);
        int inFlight = jobs.countOpen(MigrateVmJob.KIND.name(), snapshot.vms().stream().map(vm -> UUID.fromString(vm.id())).toList());
        int room = maxOutgoing - inFlight;
        if (room <= 0) {
            return 0;
        }
        int started = 0;
        for (ProposedMigration move : balancer.propose(snapshot, room)) {
            if (startMigration(move, snapshot)) {
                started++;
            }
        }
        return started;
    }

    private boolean startMigration(ProposedMigration move, ClusterSnapshot snapshot) {
        UUID vmId = UUID.fromString(move.vmId());
        return jdbi.inTransaction(h -> {
            VmStatus status = vms.tryLock(h, vmId).map(Vm::status).orElse(VmStatus.DOWN);
            if (status != VmStatus.UP || jobs.openJobFor(h, vmId).isPresent()) {
                return false;
            }
            String vmName = snapshot.vm(move.vmId()).name();
            UUID job = jobs.create(h, MigrateVmJob.KIND, JobTarget.vm(vmId), "Balance: migrate VM " + vmName + " to "
                    + snapshot.hostName(move.toHostId()), new MigrateVmJob.Params(UUID.fromString(move.toHostId())));
            events.write(h, EventLog.Entry.info("VM_BALANCED", "The balancer moves VM " + vmName + " from "
                    + snapshot.hostName(move.fromHostId()) + " to " + snapshot.hostName(move.toHostId()) + ": " + move.reason())
                    .vm(vmId).job(job));
            return true;
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
