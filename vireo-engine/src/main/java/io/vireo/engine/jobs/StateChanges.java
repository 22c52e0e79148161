package io.vireo.engine.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Lets a job step wait for an object's state (a VM Up, a migration slot free) without polling: the
 * monitors call {@link #changed} once a change of that object is committed, and a waiter re-checks
 * its condition then. A coarse safety tick re-checks anyway, for a change nobody signalled (written
 * by another engine instance). Deadlines are read from the clock, so a test's clock drives timeouts.
 */
public final class StateChanges {
    private static final Logger log = LoggerFactory.getLogger(StateChanges.class);

    private final Clock clock;
    private final Duration safetyTick;
    private final Map<UUID, Set<Waiter>> waiters = new ConcurrentHashMap<>();

    public StateChanges(Clock clock, Duration safetyTick) {
        this.clock = requireNonNull(clock, "clock");
        this.safetyTick = requireNonNull(safetyTick, "safetyTick");
        if (safetyTick.isNegative() || safetyTick.isZero()) {
            throw new IllegalArgumentException("The safety tick must be positive: " + safetyTick);
        }
    }

    /** A change of the object was committed: whoever waits on it looks again. */
    public void changed(UUID objectId) {
        Set<Waiter> waiting = waiters.get(requireNonNull(objectId, "objectId"));
        if (waiting != null) {
            waiting.forEach(Waiter::wake);
        }
    }

    /**
     * Blocks until the condition holds, checking it now, after each change of the object and on
     * each safety tick; answers false when the timeout passed first.
     */
    public boolean await(UUID objectId, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        requireNonNull(condition, "condition");
        Instant deadline = clock.instant().plus(requireNonNull(timeout, "timeout"));
        Waiter waiter = new Waiter();
        // registered before the first check, so that a change committed in between still wakes it
        waiters.compute(requireNonNull(objectId, "objectId"), (id, set) -> {
            Set<Waiter> registered = set == null ? ConcurrentHashMap.newKeySet() : set;
            registered.add(waiter);
            return registered;
        });
        try {
            boolean signalled = true;
            while (true) {
                if (condition.getAsBoolean()) {
                    if (!signalled) {
                        log.info("A change of {} reached a waiting job without a signal (on the safety tick)", objectId);
                    }
                    return true;
                }
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative() || left.isZero()) {
                    return false;
                }
                signalled = waiter.sleep(left.compareTo(safetyTick) < 0 ? left : safetyTick);
            }
        } finally {
            waiters.computeIfPresent(objectId, (id, set) -> {
                set.remove(waiter);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** How many steps wait on the object now (tests use it to know a step is parked). */
    int waiting(UUID objectId) {
        Set<Waiter> waiting = waiters.get(objectId);
        return waiting == null ? 0 : waiting.size();
    }

    private static final class Waiter {
        private final Semaphore wakeUps = new Semaphore(0);

        void wake() {
            wakeUps.release();
        }

        /** Answers whether a signal ended the sleep (false: the time ran out). */
        boolean sleep(Duration atMost) throws InterruptedException {
            boolean woken = wakeUps.tryAcquire(Math.max(1, atMost.toNanos()), TimeUnit.NANOSECONDS);
            wakeUps.drainPermits();
            return woken;
        }
    }
}
