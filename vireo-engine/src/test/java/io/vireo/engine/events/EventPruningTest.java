package io.vireo.engine.events;

import io.vireo.engine.common.Retention;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The event log keeps events for an age and up to a count, on a real PostgreSQL, with the time given explicitly. */
class EventPruningTest {
    private static final Duration MONTH = Duration.ofDays(30);
    private final Database database = TestDatabase.fresh();
    private final EventLog events = new EventLog(database.jdbi());

    @AfterEach
    void close() {
        database.close();
    }

    private List<String> codes() {
        return events.list(0, 10_000).stream().map(Event::code).toList();
    }

    @Test
    void eventsOlderThanTheAgeGoAndTheYoungerStay() {
        for (String code : List.of("FIRST", "SECOND", "THIRD")) {
            events.write(EventLog.Entry.info(code, "an event"));
        }
        Instant second = events.list(0, 10).get(1).time();
        Retention month = new Retention(MONTH, 1_000_000);

        assertThat(events.prune(second.plus(MONTH).minusMillis(1), month)).isEqualTo(1);
        assertThat(codes()).containsExactly("SECOND", "THIRD");
        assertThat(events.prune(second.plus(MONTH).minusMillis(1), month)).isZero();
        // a month after the last one, every event is older than a month
        assertThat(events.prune(Instant.now().plus(MONTH).plusSeconds(60), month)).isEqualTo(2);
        assertThat(codes()).isEmpty();
    }

    @Test
    void beyondTheCountTheOldestGoInBatches() {
        database.jdbi().useTransaction(h -> {
            for (int i = 1; i <= 2_100; i++) {
                events.write(h, EventLog.Entry.info("E" + i, "event " + i));
            }
        });
        long newest = events.latest(1, EventLog.Audience.EVERYONE).getFirst().index();

        // 1,100 over the count of 1,000: two batches (1,000 and 100), all young
        assertThat(events.prune(Instant.now(), new Retention(MONTH, 1_000))).isEqualTo(1_100);
        List<Event> kept = events.list(0, 10_000);
        assertThat(kept).hasSize(1_000);
        assertThat(kept.getFirst().code()).isEqualTo("E1101");
        assertThat(kept.getLast().index()).isEqualTo(newest);
        assertThat(events.prune(Instant.now(), new Retention(MONTH, 1_000))).isZero();
    }
}
