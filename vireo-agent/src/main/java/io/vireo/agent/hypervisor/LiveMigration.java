package io.vireo.agent.hypervisor;

import io.vireo.agent.hypervisor.MigrationConvergence.Decision;
import io.vireo.agent.hypervisor.MigrationDriver.JobProgress;
import io.vireo.model.rpc.MigrationOutcome;
import io.vireo.model.rpc.MigrationPhase;
import io.vireo.model.rpc.MigrationPolicy;
import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.MigrationResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.UUID;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * One live migration of one VM from this host, followed to its outcome: the blocking migrate call
 * runs on its own thread while this polls the job, reports progress, applies the non-convergence
 * policy and carries out a cancel. A migration that libvirt already runs when the agent starts (the
 * agent restarted during it) is adopted: followed the same way, only not started.
 */
final class LiveMigration {
    private static final Logger log = LoggerFactory.getLogger(LiveMigration.class);
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    /** The overall bound guards against a hung libvirt; slow but moving migrations get more, see {@link #timeoutFor}. */
    static final Duration MINIMUM_TIMEOUT = Duration.ofHours(1);
    /** How long the migrate call may take to return after an abort before the agent stops waiting for it. */
    static final Duration ABORT_GRACE = Duration.ofSeconds(30);

    private final UUID vmId;
    private final String destinationUri;
    private final MigrationPolicy policy;
    private final MigrationDriver driver;
    private final Duration pollInterval;
    private final LongSupplier nanoClock;
    private final MigrationConvergence convergence;
    private final Set<Consumer<MigrationProgress>> listeners = new CopyOnWriteArraySet<>();
    private final CompletableFuture<MigrationResult> result = new CompletableFuture<>();
    private volatile boolean cancelRequested;
    private volatile boolean postCopy;
    private volatile MigrationProgress lastProgress;
    private volatile String abortReason;
    private volatile boolean abortAccepted;
    private long lastDataProcessed = -1;

    LiveMigration(UUID vmId, String destinationUri, MigrationPolicy policy, MigrationDriver driver, Duration pollInterval, LongSupplier nanoClock) {
        this.vmId = requireNonNull(vmId, "vmId");
        this.destinationUri = requireNonNull(destinationUri, "destinationUri");
        this.policy = requireNonNull(policy, "policy");
        this.driver = requireNonNull(driver, "driver");
        this.pollInterval = requireNonNull(pollInterval, "pollInterval");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.convergence = new MigrationConvergence(policy);
        this.lastProgress = progress(MigrationPhase.STARTING, 0, -1, -1);
    }

    String destinationUri() {
        return destinationUri;
    }

    /** Progress goes to every listener once, however often the same one is added (a repeated vm.migrate). */
    void addListener(Consumer<MigrationProgress> listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    MigrationProgress lastProgress() {
        return lastProgress;
    }

    /** The outcome, for callers that attach to a migration another call runs. */
    CompletableFuture<MigrationResult> result() {
        return result;
    }

    /** Starts the migration and follows it to its end; answers how it ended. */
    MigrationResult run() {
        return complete(() -> {
            long startedNanos = nanoClock.getAsLong();
            publish(lastProgress);
            // Before the start: libvirt 9.0 keeps the value for the job, and a small idle guest may
            // switch over at the end of its first pass, before the first poll could set it.
            driver.setMaxDowntime(vmId, policy.maxDowntimeMs());
            Future<?> call = driver.start(vmId, destinationUri, policy);
            return follow(startedNanos, wait -> ended(call, wait), () -> failureOf(call));
        });
    }

    /** Follows a migration libvirt runs already, which an earlier life of this agent started. */
    MigrationResult adopt() {
        return complete(() -> {
            long startedNanos = nanoClock.getAsLong();
            log.info("adopting the migration of VM {} to {} that libvirt runs already", vmId, destinationUri);
            setMaxDowntimeQuietly(policy.maxDowntimeMs());
            return follow(startedNanos, this::jobEndedAfter,
                    () -> Optional.of("the migration, started before this agent restarted, ended without moving the VM"));
        });
    }

    /**
     * Asks for the migration to end; the migrate call then fails and the outcome is cancelled. The
     * abort is tried at once and again at each poll until libvirt takes it (the job may not exist
     * yet in the first moments of the call).
     */
    void cancel() {
        if (postCopy) {
            throw new HypervisorException("VM " + vmId + " migrates in post-copy: it runs on the destination already and cannot go back", null);
        }
        cancelRequested = true;
        abortIfAsked();
    }

    @FunctionalInterface
    private interface Run {
        MigrationResult run() throws InterruptedException;
    }

    @FunctionalInterface
    private interface EndCheck {
        boolean endedWithin(Duration wait) throws InterruptedException;
    }

    @FunctionalInterface
    private interface FailureCheck {
        Optional<String> failure();
    }

    private MigrationResult complete(Run run) {
        try {
            MigrationResult outcome = run.run();
            log.info("migration of VM {} to {}: {}", vmId, destinationUri, outcome);
            boolean completed = outcome.outcome() == MigrationOutcome.COMPLETED;
            publish(progress(MigrationPhase.ended(outcome.outcome()), completed ? 100 : lastProgress.percent(),
                    completed ? 0 : lastProgress.dataRemainingBytes(), lastProgress.dataTotalBytes()));
            result.complete(outcome);
            return outcome;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            HypervisorException failure = new HypervisorException("following the migration of VM " + vmId + " was interrupted", e);
            result.completeExceptionally(failure);
            throw failure;
        }
        catch (RuntimeException e) {
            result.completeExceptionally(e);
            throw e;
        }
    }

    private MigrationResult follow(long startedNanos, EndCheck end, FailureCheck failure) throws InterruptedException {
        long deadline = startedNanos + MINIMUM_TIMEOUT.toNanos();
        while (!end.endedWithin(pollInterval)) {
            Optional<JobProgress> sample = sampleQuietly();
            if (sample.isPresent()) {
                deadline = Math.max(deadline, startedNanos + timeoutFor(sample.get().dataTotalBytes(), policy.bandwidthMiBps()).toNanos());
                if (!cancelRequested && abortReason == null) {
                    decide(sample.get());
                }
                report(sample.get());
            }
            abortIfAsked();
            if (nanoClock.getAsLong() - deadline > 0) {
                return timedOut(startedNanos, end);
            }
        }
        return outcome(startedNanos, failure.failure());
    }

    private MigrationResult timedOut(long startedNanos, EndCheck end) throws InterruptedException {
        abortReason = "did not finish within %d min; aborted".formatted(Duration.ofNanos(nanoClock.getAsLong() - startedNanos).toMinutes());
        abortIfAsked();
        if (end.endedWithin(ABORT_GRACE)) {
            return outcome(startedNanos, Optional.of(abortReason));
        }
        return result(MigrationOutcome.FAILED, -1, millisSince(startedNanos),
                abortReason + ", but libvirt did not end the migration call within " + ABORT_GRACE.toSeconds() + " s; where the VM runs is unknown");
    }

    private void decide(JobProgress sample) {
        Decision decision = convergence.next(nanoClock.getAsLong(), sample.dataRemainingBytes(), sample.dataTotalBytes());
        switch (decision.action()) {
            case CONTINUE -> {
            }
            case RAISE_DOWNTIME -> {
                log.info("migration of VM {} stalls with {} MiB to send; maximum downtime raised to {} ms",
                        vmId, sample.dataRemainingBytes() >> 20, decision.downtimeMs());
                setMaxDowntimeQuietly(decision.downtimeMs());
            }
            case START_POST_COPY -> startPostCopy();
            case ABORT -> {
                log.warn("migration of VM {} {}", vmId, decision.message());
                abortReason = decision.message();
            }
        }
    }

    private void startPostCopy() {
        log.info("migration of VM {} stalls at the last downtime step; switching to post-copy", vmId);
        try {
            driver.startPostCopy(vmId);
            postCopy = true;
        }
        catch (HypervisorException e) {
            abortReason = "did not converge, and switching to post-copy failed: " + e.getMessage();
            log.warn("migration of VM {} {}", vmId, abortReason);
        }
    }

    private synchronized void abortIfAsked() {
        if (abortAccepted || (!cancelRequested && abortReason == null)) {
            return;
        }
        try {
            abortAccepted = driver.abortJob(vmId);
        }
        catch (HypervisorException e) {
            log.info("aborting the migration of VM {} failed, tried again at the next poll: {}", vmId, e.getMessage());
        }
    }

    private MigrationResult outcome(long startedNanos, Optional<String> failure) {
        long wallMillis = millisSince(startedNanos);
        if (failure.isEmpty() || movedAnyway()) {
            return completed(wallMillis);
        }
        if (cancelRequested) {
            return result(MigrationOutcome.CANCELLED, -1, wallMillis, "cancelled on request; the VM runs on the source");
        }
        return result(MigrationOutcome.FAILED, -1, wallMillis, abortReason != null ? abortReason : failure.get());
    }

    /** A failed call may still have moved the VM, e.g. when the connection broke just before libvirt answered. */
    private boolean movedAnyway() {
        try {
            return !driver.runsHere(vmId) && driver.runsOn(destinationUri, vmId);
        }
        catch (HypervisorException e) {
            log.info("cannot tell where VM {} runs after its migration failed: {}", vmId, e.getMessage());
            return false;
        }
    }

    private MigrationResult completed(long wallMillis) {
        Optional<JobStats> stats = completedStats(driver, destinationUri, vmId);
        long downtime = stats.map(JobStats::downtimeMs).orElse(-1L);
        long total = stats.map(JobStats::timeElapsedMs).filter(ms -> ms > 0).orElse(wallMillis);
        long data = stats.map(JobStats::dataProcessedBytes).filter(bytes -> bytes >= 0).orElse(lastDataProcessed);
        return new MigrationResult(MigrationOutcome.COMPLETED, downtime, total, data, postCopy,
                stats.isPresent() ? "" : "the destination kept no job statistics; downtime unknown");
    }

    static Optional<JobStats> completedStats(MigrationDriver driver, String destinationUri, UUID vmId) {
        try {
            return driver.completedJobOn(destinationUri, vmId).filter(stats -> stats.timeElapsedMs() >= 0 || stats.downtimeMs() >= 0);
        }
        catch (HypervisorException e) {
            log.info("cannot read the completed migration statistics of VM {} on {}: {}", vmId, destinationUri, e.getMessage());
            return Optional.empty();
        }
    }

    private MigrationResult result(MigrationOutcome outcome, long downtimeMs, long totalMs, String message) {
        return new MigrationResult(outcome, downtimeMs, totalMs, Math.max(lastDataProcessed, 0), postCopy, message);
    }

    private Optional<JobProgress> sampleQuietly() {
        try {
            return driver.jobProgress(vmId);
        }
        catch (HypervisorException e) {
            log.info("cannot read the migration job of VM {}: {}", vmId, e.getMessage());
            return Optional.empty();
        }
    }

    private void setMaxDowntimeQuietly(int downtimeMs) {
        try {
            driver.setMaxDowntime(vmId, downtimeMs);
        }
        catch (HypervisorException e) {
            log.warn("cannot set the maximum downtime of VM {} to {} ms: {}", vmId, downtimeMs, e.getMessage());
        }
    }

    private void report(JobProgress sample) {
        if (sample.dataTotalBytes() <= 0 && lastDataProcessed > 0) {
            return; // an aborted job's last moments report zeros; the figures from before tell more
        }
        lastDataProcessed = sample.dataProcessedBytes();
        MigrationPhase phase = cancelRequested || abortReason != null ? MigrationPhase.CANCELLING : postCopy ? MigrationPhase.POSTCOPY : MigrationPhase.PRECOPY;
        publish(progress(phase, percent(sample), sample.dataRemainingBytes(), sample.dataTotalBytes()));
    }

    private void publish(MigrationProgress progress) {
        lastProgress = progress;
        for (Consumer<MigrationProgress> listener : listeners) {
            try {
                listener.accept(progress);
            }
            catch (RuntimeException e) {
                log.warn("a migration progress listener failed", e);
            }
        }
    }

    private MigrationProgress progress(MigrationPhase phase, int percent, long remaining, long total) {
        return new MigrationProgress(vmId, percent, remaining, total, convergence.maxDowntimeMs(), phase);
    }

    /** Pre-copy sends pages again as the guest dirties them, so done is what no longer remains, not what was sent. */
    static int percent(JobProgress sample) {
        if (sample.dataTotalBytes() <= 0 || sample.dataRemainingBytes() < 0) {
            return 0;
        }
        long done = sample.dataTotalBytes() - Math.min(sample.dataRemainingBytes(), sample.dataTotalBytes());
        return (int) Math.min(99, done * 100 / sample.dataTotalBytes());
    }

    /** Three times what the data would take at the bandwidth limit, and never less than {@link #MINIMUM_TIMEOUT}. */
    static Duration timeoutFor(long dataTotalBytes, int bandwidthMiBps) {
        if (bandwidthMiBps <= 0 || dataTotalBytes <= 0) {
            return MINIMUM_TIMEOUT;
        }
        Duration atLimit = Duration.ofSeconds(3 * (dataTotalBytes >> 20) / bandwidthMiBps);
        return atLimit.compareTo(MINIMUM_TIMEOUT) > 0 ? atLimit : MINIMUM_TIMEOUT;
    }

    private boolean jobEndedAfter(Duration wait) throws InterruptedException {
        Thread.sleep(wait);
        try {
            return driver.currentJob(vmId).map(job -> !job.outgoingMigration()).orElse(true);
        }
        catch (HypervisorException e) {
            log.info("cannot read the migration job of VM {}: {}", vmId, e.getMessage());
            return false;
        }
    }

    private static boolean ended(Future<?> call, Duration wait) throws InterruptedException {
        try {
            call.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        }
        catch (ExecutionException e) {
            return true;
        }
        catch (TimeoutException e) {
            return false;
        }
    }

    private static Optional<String> failureOf(Future<?> call) {
        try {
            call.get();
            return Optional.empty();
        }
        catch (ExecutionException e) {
            return Optional.of(e.getCause().getMessage());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    private long millisSince(long startedNanos) {
        return (nanoClock.getAsLong() - startedNanos) / 1_000_000;
    }
}
