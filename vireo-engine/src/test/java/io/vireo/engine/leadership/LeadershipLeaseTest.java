package io.vireo.engine.leadership;

import io.vireo.engine.store.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static io.vireo.engine.leadership.DatabaseLink.State.HANGING;
import static io.vireo.engine.leadership.DatabaseLink.State.REFUSING;
import static io.vireo.engine.leadership.DatabaseLink.State.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leases of several engines (instance ids) on one real PostgreSQL: one leads at a time, every
 * takeover raises the epoch, and a leader that can no longer renew gives way, saying so itself
 * before anyone else may take over. Each engine reaches the database over its own link, which a
 * test cuts to play a partition or a crash.
 */
class LeadershipLeaseTest {
    private static final Duration TERM = Duration.ofSeconds(2);
    /** Generous: renewals are tried every second, a takeover after a term ends takes a term and a second. */
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private final TestDatabase.External database = TestDatabase.freshExternal();
    /** The test's own look at the lease row, over a link nobody cuts. */
    private final Jdbi observer = Jdbi.create(new DatabaseLink(database));
    private final List<DatabaseLink> links = new ArrayList<>();
    private final List<LeadershipLease> leases = new ArrayList<>();

    @AfterEach
    void closeLeases() {
        // a link back up first, so that a lease closing as its leader releases instead of hanging
        links.forEach(link -> link.set(UP));
        leases.forEach(LeadershipLease::close);
    }

    private record Row(String holder, long epoch) {
    }

    private Row row() {
        return observer.withHandle(h -> h.createQuery("SELECT holder, epoch FROM leadership WHERE id = 1")
                .map((rs, ctx) -> new Row(rs.getString("holder"), rs.getLong("epoch"))).one());
    }

    private LeadershipLease lease(String instanceId, DatabaseLink link, Duration term, LongSupplier nanoClock) {
        links.add(link);
        LeadershipLease lease = new LeadershipLease(Jdbi.create(link), instanceId, term, nanoClock);
        leases.add(lease);
        return lease;
    }

    private LeadershipLease lease(String instanceId, DatabaseLink link) {
        return lease(instanceId, link, TERM, System::nanoTime);
    }

    private LeadershipLease lease(String instanceId) {
        return lease(instanceId, new DatabaseLink(database));
    }

    private static LeadershipLease leading(LeadershipLease lease) {
        lease.start();
        await().atMost(LIMIT).until(lease::isLeader);
        return lease;
    }

    @Test
    void ofTwoLeasesExactlyOneLeadsAndKeepsTheLeadWhileItRenews() {
        DatabaseLink firstLink = new DatabaseLink(database);
        DatabaseLink secondLink = new DatabaseLink(database);
        LeadershipLease first = lease("engine-1", firstLink);
        LeadershipLease second = lease("engine-2", secondLink);
        first.start();
        second.start();

        await().atMost(LIMIT).until(() -> first.isLeader() || second.isLeader());
        boolean firstLeads = first.isLeader();
        LeadershipLease leader = firstLeads ? first : second;
        LeadershipLease follower = firstLeads ? second : first;
        DatabaseLink leaderLink = firstLeads ? firstLink : secondLink;
        DatabaseLink followerLink = firstLeads ? secondLink : firstLink;
        long epoch = leader.epoch().orElseThrow();
        assertThat(follower.isLeader()).isFalse();
        assertThat(follower.epoch()).isEmpty();
        assertThat(row()).isEqualTo(new Row(firstLeads ? "engine-1" : "engine-2", epoch));

        // longer than a term: the leader renewed, the follower tried its luck each second, and nothing changed hands
        // (any takeover in between would have raised the epoch)
        int leaderRenewals = leaderLink.opened();
        int followerTries = followerLink.opened();
        await().atMost(LIMIT).until(() -> leaderLink.opened() >= leaderRenewals + 3 && followerLink.opened() >= followerTries + 3);
        assertThat(leader.epoch()).contains(epoch);
        assertThat(follower.isLeader()).isFalse();
        assertThat(row()).isEqualTo(new Row(firstLeads ? "engine-1" : "engine-2", epoch));
    }

    @Test
    void aStoppedLeaderHandsTheLeadOverAndEachTakeoverRaisesTheEpoch() {
        LeadershipLease first = leading(lease("engine-1"));
        long firstEpoch = first.epoch().orElseThrow();
        LeadershipLease second = lease("engine-2");
        second.start();
        assertThat(second.isLeader()).as("the first holds the lease").isFalse();

        first.close();
        assertThat(first.isLeader()).isFalse();
        await().atMost(LIMIT).until(second::isLeader);
        long secondEpoch = second.epoch().orElseThrow();
        assertThat(secondEpoch).isGreaterThan(firstEpoch);
        assertThat(row()).isEqualTo(new Row("engine-2", secondEpoch));

        // the first engine comes back under its id: a follower now; when the second stops, it leads again, higher still
        LeadershipLease again = lease("engine-1");
        again.start();
        assertThat(again.isLeader()).isFalse();
        second.close();
        await().atMost(LIMIT).until(again::isLeader);
        assertThat(again.epoch().orElseThrow()).isGreaterThan(secondEpoch);
        assertThat(row()).isEqualTo(new Row("engine-1", again.epoch().orElseThrow()));
    }

    @Test
    void aLeaderCutOffFromTheDatabaseStepsDownBeforeTheOtherTakesOverWithAHigherEpoch() {
        DatabaseLink firstLink = new DatabaseLink(database);
        LeadershipLease first = leading(lease("engine-1", firstLink));
        long firstEpoch = first.epoch().orElseThrow();
        LeadershipLease second = lease("engine-2");
        second.start();

        // a partition: the first's renewals hang, they do not fail
        firstLink.set(HANGING);
        AtomicBoolean twoLeaders = new AtomicBoolean();
        await().atMost(LIMIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            // the newcomer first: if it leads and the old one still says it does after that, both lead at once
            boolean secondLeads = second.isLeader();
            if (secondLeads && first.isLeader()) {
                twoLeaders.set(true);
            }
            return secondLeads;
        });
        assertThat(twoLeaders).as("the cut-off leader still said it led after the other took over").isFalse();
        assertThat(first.isLeader()).isFalse();
        assertThat(firstLink.hasCallerWaiting()).as("the first stepped down on its own clock, its renewal still hangs").isTrue();
        long secondEpoch = second.epoch().orElseThrow();
        assertThat(secondEpoch).isGreaterThan(firstEpoch);

        // back in touch, the first finds the lease taken: the hanging renewal and the next one leave it a follower
        int opened = firstLink.opened();
        firstLink.set(UP);
        await().atMost(LIMIT).until(() -> firstLink.opened() >= opened + 2);
        assertThat(first.isLeader()).isFalse();
        assertThat(second.epoch()).contains(secondEpoch);
        assertThat(row()).isEqualTo(new Row("engine-2", secondEpoch));
    }

    @Test
    void aLeaseThatCannotRenewSaysItIsNotTheLeaderOnceItsTermCouldHaveEnded() {
        AtomicLong clock = new AtomicLong();
        DatabaseLink link = new DatabaseLink(database);
        LeadershipLease lease = leading(lease("engine-1", link, TERM, clock::get));
        long epoch = lease.epoch().orElseThrow();

        link.set(HANGING);
        await().atMost(LIMIT).until(link::hasCallerWaiting);
        // every renewal so far was asked for at 0 on the lease's clock: its term runs until TERM, whatever PostgreSQL does
        clock.set(TERM.toNanos() - 1);
        assertThat(lease.epoch()).contains(epoch);
        assertThat(lease.isLeader()).isTrue();
        clock.set(TERM.toNanos());
        assertThat(lease.isLeader()).isFalse();
        assertThat(lease.epoch()).isEmpty();

        // the late renewal counts from when it was asked for, so the lead comes back with the next one, on time;
        // nobody else took the lease meanwhile, so the epoch is the same
        link.set(UP);
        await().atMost(LIMIT).until(lease::isLeader);
        assertThat(lease.epoch()).contains(epoch);
    }

    @Test
    void anEngineRestartedUnderItsIdTakesItsLeaseBackAtOnceWithANewEpoch() {
        Duration longTerm = Duration.ofMinutes(1);
        DatabaseLink link = new DatabaseLink(database);
        LeadershipLease crashed = lease("engine-1", link, longTerm, System::nanoTime);
        leading(crashed);
        long epoch = crashed.epoch().orElseThrow();
        LeadershipLease other = lease("engine-2", new DatabaseLink(database), longTerm, System::nanoTime);
        other.start();

        // the process dies: it neither renews nor releases, its row stays with a minute to run
        link.set(REFUSING);
        crashed.close();
        assertThat(row()).isEqualTo(new Row("engine-1", epoch));

        LeadershipLease restarted = lease("engine-1", new DatabaseLink(database), longTerm, System::nanoTime);
        restarted.start();
        assertThat(restarted.epoch()).hasValueSatisfying(newEpoch -> assertThat(newEpoch).isGreaterThan(epoch));
        assertThat(other.isLeader()).isFalse();
        assertThat(row()).isEqualTo(new Row("engine-1", restarted.epoch().orElseThrow()));
    }
}
