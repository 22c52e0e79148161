package io.vireo.engine.leadership;

import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two engines on one real PostgreSQL: one leads, the other takes over with a higher epoch when it lets go. */
class LeadershipLeaseTest {
    private final Database database = TestDatabase.fresh();
    private final LeadershipLease first = new LeadershipLease(database.jdbi(), "engine-1", Duration.ofSeconds(30));
    private final LeadershipLease second = new LeadershipLease(database.jdbi(), "engine-2", Duration.ofSeconds(30));

    @AfterEach
    void close() {
        first.close();
        second.close();
        database.close();
    }

    @Test
    void oneLeadsAtATimeAndTheNextLeaderHasAHigherEpoch() {
        first.start();
        // on a fresh database the row is made in the first round and taken in the next, a second later
        await().atMost(Duration.ofSeconds(10)).until(first::isLeader);
        long firstEpoch = first.epoch().orElseThrow();
        second.start();
        assertThat(second.isLeader()).isFalse();
        assertThat(first.epoch()).hasValue(firstEpoch);
        assertThat(second.epoch()).isEmpty();

        first.close();
        assertThat(first.isLeader()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(second::isLeader);
        assertThat(second.epoch()).hasValueSatisfying(epoch -> assertThat(epoch).isGreaterThan(firstEpoch));
    }
}
