package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.MigrationPolicy;
import java.util.UUID;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A migration that plays a script: each poll of the job takes the next sample and half a second of
 * the fake clock; when the script runs out, the migrate call returns (or fails, as set). An abort
 * ends the call at once with libvirt's error, as libvirt does.
 */
final class FakeMigrationDriver implements MigrationDriver {
    static final long MIB = 1 << 20;

    final AtomicLong clock = new AtomicLong();
    final Deque<JobProgress> samples = new ArrayDeque<>();
    final List<Integer> downtimesSet = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    /** Samples are taken only once this opens, so that a test can act while the migration runs. */
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile boolean runsHere = true;
    volatile boolean runsOnDestination;
    volatile boolean libvirtJobRunning;
    volatile boolean postCopyFails;
    /** The script's last sample repeats for ever: only a cancel ends the migration (no race with the script's end). */
    volatile boolean endless;
    private JobProgress last;
    volatile String failure;
    volatile Optional<JobStats> completedStats = Optional.of(new JobStats(JobStats.TYPE_COMPLETED, JobStats.OPERATION_MIGRATION_IN, 640, 42, 128 * MIB, 70 * MIB, 0));
    private volatile CompletableFuture<Object> call;

    void script(long remainingMiB, int times) {
        for (int i = 0; i < times; i++) {
            samples.add(new JobProgress(1024 * MIB, (1024 - remainingMiB) * MIB, remainingMiB * MIB));
        }
    }

    @Override
    public synchronized Future<?> start(UUID vmId, String destinationUri, MigrationPolicy policy) {
        calls.add("start " + destinationUri);
        call = new CompletableFuture<>();
        libvirtJobRunning = true;
        return call;
    }

    @Override
    public Optional<JobProgress> jobProgress(UUID vmId) {
        try {
            gate.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            clock.addAndGet(500_000_000L);
            JobProgress next = samples.poll();
            if (next == null && endless && last != null) {
                return Optional.of(last);
            }
            last = next;
            if (next == null) {
                end(failure);
                return Optional.empty();
            }
            return Optional.of(next);
        }
    }

    private void end(String error) {
        libvirtJobRunning = false;
        if (error == null) {
            runsHere = false;
            runsOnDestination = true;
        }
        if (call == null) {
            return;
        }
        if (error == null) {
            call.complete(0);
        }
        else {
            call.completeExceptionally(new HypervisorException(error, null));
        }
    }

    @Override
    public Optional<JobStats> currentJob(UUID vmId) {
        if (!runsHere) {
            return Optional.empty();
        }
        return Optional.of(libvirtJobRunning
                ? new JobStats(JobStats.TYPE_UNBOUNDED, JobStats.OPERATION_MIGRATION_OUT, 1000, -1, 1024 * MIB, 24 * MIB, 1000 * MIB)
                : JobStats.none());
    }

    @Override
    public synchronized void setMaxDowntime(UUID vmId, int downtimeMs) {
        downtimesSet.add(downtimeMs);
    }

    @Override
    public Optional<Integer> maxDowntimeMs(UUID vmId) {
        return Optional.of(300);
    }

    @Override
    public synchronized void startPostCopy(UUID vmId) {
        calls.add("startPostCopy");
        if (postCopyFails) {
            throw new HypervisorException("internal error: Postcopy is not supported", null);
        }
    }

    @Override
    public synchronized boolean abortJob(UUID vmId) {
        calls.add("abortJob");
        if (!libvirtJobRunning) {
            return false;
        }
        samples.clear();
        end("operation aborted: job 'migration out' canceled by client");
        return true;
    }

    @Override
    public boolean runsHere(UUID vmId) {
        return runsHere;
    }

    @Override
    public boolean runsOn(String destinationUri, UUID vmId) {
        return runsOnDestination;
    }

    @Override
    public Optional<JobStats> completedJobOn(String destinationUri, UUID vmId) {
        return completedStats;
    }
}
