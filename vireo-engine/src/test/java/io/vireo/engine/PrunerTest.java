package io.vireo.engine;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pruning round alone, with tasks that record their calls (a fake for this unit test; each
 * feature's pruning is tested on PostgreSQL in its own package) and a fixed clock.
 */
class PrunerTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void onlyTheLeaderPrunesAndOneFailingTaskStopsNoOther() {
        AtomicBoolean leading = new AtomicBoolean(false);
        List<String> calls = new ArrayList<>();
        Pruner pruner = new Pruner(leading::get, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10), List.of(
                new Pruner.Task("events", now -> {
                    calls.add("events at " + now);
                    return 3;
                }),
                new Pruner.Task("jobs", now -> {
                    calls.add("jobs at " + now);
                    throw new IllegalStateException("the database is away");
                }),
                new Pruner.Task("tokens", now -> {
                    calls.add("tokens at " + now);
                    return 2;
                })));

        assertThat(pruner.runOnce()).isZero();
        assertThat(calls).isEmpty();

        leading.set(true);
        assertThat(pruner.runOnce()).isEqualTo(5);
        assertThat(calls).containsExactly("events at " + NOW, "jobs at " + NOW, "tokens at " + NOW);
        pruner.close();
    }
}
