package io.vireo.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * On the leader, every interval: what only grows (events, finished jobs, expired tokens and console
 * tickets) is pruned, each table by the feature that owns it, through its service, in small
 * batches. Another engine instance does nothing, so two never prune at once.
 */
final class Pruner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pruner.class);

    /** One feature's pruning: given the time, removes what is past keeping and answers how many rows went. */
    record Task(String what, Prune prune) {
        Task {
            requireNonNull(what, "what");
            requireNonNull(prune, "prune");
        }
    }

    @FunctionalInterface
    interface Prune {
        long prune(Instant now);
    }

    private final BooleanSupplier leading;
    private final Clock clock;
    private final Duration interval;
    private final List<Task> tasks;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pruner").daemon().factory());

    Pruner(BooleanSupplier leading, Clock clock, Duration interval, List<Task> tasks) {
        this.leading = requireNonNull(leading, "leading");
        this.clock = requireNonNull(clock, "clock");
        this.interval = requireNonNull(interval, "interval");
        this.tasks = List.copyOf(tasks);
    }

    void start() {
        timer.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round, if this engine leads: every task, each on its own (one failing stops no other); answers the rows removed. */
    long runOnce() {
        if (!leading.getAsBoolean()) {
            return 0;
        }
        long total = 0;
        Instant now = clock.instant();
        for (Task task : tasks) {
            try {
                long removed = task.prune().prune(now);
                if (removed > 0) {
                    log.info("Pruned {} {}", removed, task.what());
                }
                total += removed;
            } catch (RuntimeException e) {
                log.warn("Pruning {} failed, to be tried again in {}: {}", task.what(), interval, e.getMessage());
            }
        }
        return total;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
