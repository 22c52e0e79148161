package io.vireo.engine.jobs;

import io.vireo.engine.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StateChangesTest {
    /** Long enough that only a signal can end a wait within a test. */
    private static final Duration NEVER = Duration.ofHours(1);

    private final FakeClock clock = new FakeClock();
    private final StateChanges changes = new StateChanges(clock, NEVER);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final UUID vm = UUID.randomUUID();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** A condition that counts how often the waiter looked at it. */
    private static final class Probe {
        final AtomicInteger looks = new AtomicInteger();
        volatile boolean holds;

        boolean check() {
            looks.incrementAndGet();
            return holds;
        }
    }

    private CompletableFuture<Boolean> waitFor(StateChanges signal, Probe probe, Duration timeout) {
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return signal.await(vm, probe::check, timeout);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        await().until(() -> signal.waiting(vm) == 1 && probe.looks.get() >= 1);
        return waited;
    }

    @Test
    void aConditionThatHoldsAlreadyDoesNotWait() throws Exception {
        assertThat(changes.await(vm, () -> true, Duration.ZERO)).isTrue();
        assertThat(changes.waiting(vm)).isZero();
    }

    @Test
    void aSignalOfTheObjectWakesTheWaiterWhichLooksAgain() {
        Probe up = new Probe();
        CompletableFuture<Boolean> waited = waitFor(changes, up, Duration.ofMinutes(2));

        up.holds = true;
        changes.changed(vm);

        assertThat(waited).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
        assertThat(changes.waiting(vm)).isZero();
    }

    @Test
    void aSignalThatLeavesTheConditionFalseKeepsItWaitingAndAnotherObjectsSignalIsNotSeen() {
        Probe up = new Probe();
        CompletableFuture<Boolean> waited = waitFor(changes, up, Duration.ofMinutes(2));

        changes.changed(vm);
        await().until(() -> up.looks.get() == 2);
        changes.changed(UUID.randomUUID());
        assertThat(waited).isNotDone();

        up.holds = true;
        changes.changed(vm);
        assertThat(waited).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
        assertThat(up.looks).hasValue(3);
    }

    @Test
    void theTimeoutRunsOnTheClockNotOnTheWall() {
        Probe up = new Probe();
        CompletableFuture<Boolean> waited = waitFor(changes, up, Duration.ofMinutes(2));

        clock.advance(Duration.ofMinutes(1));
        changes.changed(vm);
        await().until(() -> up.looks.get() == 2);
        assertThat(waited).isNotDone();

        clock.advance(Duration.ofMinutes(1));
        changes.changed(vm);
        assertThat(waited).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(false);
        assertThat(changes.waiting(vm)).isZero();
    }

    @Test
    void theSafetyTickFindsAChangeNobodySignalled() {
        StateChanges ticking = new StateChanges(clock, Duration.ofMillis(20));
        Probe up = new Probe();
        CompletableFuture<Boolean> waited = waitFor(ticking, up, Duration.ofMinutes(2));

        up.holds = true;

        assertThat(waited).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
    }
}
