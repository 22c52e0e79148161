package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.MigrationOutcome;
import io.vireo.model.rpc.MigrationPhase;
import io.vireo.model.rpc.MigrationPolicy;
import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.MigrationResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.UUID;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The migrations this host sends, at most one per VM. A repeated vm.migrate (the engine restarted
 * while waiting) attaches to the one in flight instead of starting another; one for a VM that has
 * already left for the destination answers completed; one that finds libvirt migrating the VM
 * without this agent knowing (the agent restarted) adopts that migration.
 */
final class OutgoingMigrations {
    private static final Logger log = LoggerFactory.getLogger(OutgoingMigrations.class);

    /** Told when a VM is about to leave this host and when its migration has ended. */
    interface Departures {
        void departureExpected(UUID vmId);

        /** @param departed whether the VM now runs on the destination */
        void departureEnded(UUID vmId, boolean departed);
    }

    private final MigrationDriver driver;
    private final Departures departures;
    private final Duration pollInterval;
    private final LongSupplier nanoClock;
    private final Map<UUID, LiveMigration> active = new ConcurrentHashMap<>();
    private final Map<UUID, Object> vmLocks = new ConcurrentHashMap<>();

    OutgoingMigrations(MigrationDriver driver, Departures departures) {
        this(driver, departures, LiveMigration.POLL_INTERVAL, System::nanoTime);
    }

    OutgoingMigrations(MigrationDriver driver, Departures departures, Duration pollInterval, LongSupplier nanoClock) {
        this.driver = requireNonNull(driver, "driver");
        this.departures = requireNonNull(departures, "departures");
        this.pollInterval = requireNonNull(pollInterval, "pollInterval");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    MigrationResult migrate(UUID vmId, String destinationUri, MigrationPolicy policy, Consumer<MigrationProgress> progress) {
        requireNonNull(destinationUri, "destinationUri");
        requireNonNull(policy, "policy");
        requireNonNull(progress, "progress");
        LiveMigration running;
        Start start = null;
        synchronized (vmLocks.computeIfAbsent(vmId, id -> new Object())) {
            running = active.get(vmId);
            if (running == null && driver.runsHere(vmId)) {
                boolean adopt = driver.currentJob(vmId).map(JobStats::outgoingMigration).orElse(false);
                LiveMigration migration = new LiveMigration(vmId, destinationUri, policy, driver, pollInterval, nanoClock);
                migration.addListener(progress);
                active.put(vmId, migration);
                start = new Start(migration, adopt);
            }
        }
        if (running != null) {
            return attach(running, vmId, destinationUri, progress);
        }
        return start == null ? alreadyMoved(vmId, destinationUri) : follow(vmId, start);
    }

    private record Start(LiveMigration migration, boolean adopt) {
    }

    private MigrationResult follow(UUID vmId, Start start) {
        boolean departed = false;
        departures.departureExpected(vmId);
        try {
            MigrationResult result = start.adopt() ? start.migration().adopt() : start.migration().run();
            departed = result.outcome().equals(MigrationOutcome.COMPLETED);
            return result;
        }
        finally {
            active.remove(vmId);
            departures.departureEnded(vmId, departed);
        }
    }

    private static MigrationResult attach(LiveMigration running, UUID vmId, String destinationUri, Consumer<MigrationProgress> progress) {
        if (!running.destinationUri().equals(destinationUri)) {
            throw new HypervisorException("VM " + vmId + " is migrating to " + running.destinationUri() + " already, not to " + destinationUri, null);
        }
        log.info("a repeated migrate of VM {} waits for the migration in flight", vmId);
        running.addListener(progress);
        try {
            return running.result().join();
        }
        catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /** Not here: done already if the destination runs it (a repeat after the first call ended), else unknown. */
    private MigrationResult alreadyMoved(UUID vmId, String destinationUri) {
        if (!driver.runsOn(destinationUri, vmId)) {
            throw HypervisorException.noSuchVm(vmId);
        }
        Optional<JobStats> stats = LiveMigration.completedStats(driver, destinationUri, vmId);
        return new MigrationResult(MigrationOutcome.COMPLETED, stats.map(JobStats::downtimeMs).orElse(-1L),
                stats.map(JobStats::timeElapsedMs).orElse(-1L), stats.map(JobStats::dataProcessedBytes).filter(bytes -> bytes >= 0).orElse(0L),
                false, "the VM runs on the destination already");
    }

    /** Answers false when no migration of the VM runs. */
    boolean cancel(UUID vmId) {
        LiveMigration running = active.get(vmId);
        if (running != null) {
            running.cancel();
            return true;
        }
        // Started by an earlier life of this agent, or by hand.
        if (driver.currentJob(vmId).map(JobStats::outgoingMigration).orElse(false)) {
            return driver.abortJob(vmId);
        }
        return false;
    }

    Optional<MigrationProgress> status(UUID vmId) {
        LiveMigration running = active.get(vmId);
        if (running != null) {
            return Optional.of(running.lastProgress());
        }
        return driver.currentJob(vmId).filter(JobStats::outgoingMigration).map(job -> {
            MigrationDriver.JobProgress sample = new MigrationDriver.JobProgress(job.dataTotalBytes(), job.dataProcessedBytes(), job.dataRemainingBytes());
            int maxDowntime = driver.maxDowntimeMs(vmId).orElse(-1);
            return new MigrationProgress(vmId, LiveMigration.percent(sample), job.dataRemainingBytes(), job.dataTotalBytes(),
                    maxDowntime, MigrationPhase.PRECOPY);
        });
    }
}
