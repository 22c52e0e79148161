package io.vireo.engine.console;

import io.vireo.engine.EngineFixture;
import io.vireo.engine.common.Principal;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.model.Cluster;
import io.vireo.model.ObjectType;
import io.vireo.model.Vm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Consoles end when their user loses access, whichever way it is lost, and only then (real PostgreSQL, NOTIFY). */
class ConsoleAccessWatchTest {
    private final EngineFixture fixture = new EngineFixture();
    private final ConsoleTickets tickets = new ConsoleTickets(fixture.jdbi, fixture.vms, fixture.hosts,
            new AgentGateway(new LeadershipLease(fixture.jdbi, "test", Duration.ofSeconds(10))), fixture.events);
    private final ConsoleAccessWatch watch = new ConsoleAccessWatch(fixture.permissions, tickets, fixture.events, Clock.systemUTC());
    private final Cluster cluster = fixture.cluster("c1");
    private final Vm vm = fixture.vm(cluster, "v1");
    private final UUID vmId = UUID.fromString(vm.id());

    @AfterEach
    void close() {
        watch.close();
        fixture.close();
    }

    private AtomicInteger openConsole(String sessionId, Principal user) {
        AtomicInteger closes = new AtomicInteger();
        watch.opened(sessionId, new ConsoleTickets.Target(vmId, vm.name(), user.id(), "10.0.0.1", 5901, "10.0.0.1"), closes::incrementAndGet);
        return closes;
    }

    @Test
    void aRevokedGrantClosesTheConsoleAndOnlyThatOne() {
        Principal kept = fixture.user("kept");
        Principal revoked = fixture.user("revoked");
        fixture.permissions.grant(kept.id(), "UserRole", ObjectType.VM, vmId);
        UUID grant = fixture.permissions.grant(revoked.id(), "UserRole", ObjectType.VM, vmId);
        AtomicInteger keptCloses = openConsole("s1", kept);
        AtomicInteger revokedCloses = openConsole("s2", revoked);
        watch.start(fixture.database);

        fixture.jdbi.useHandle(h -> h.createUpdate("DELETE FROM permissions WHERE id = :id").bind("id", grant).execute());

        await().atMost(Duration.ofSeconds(10)).until(() -> revokedCloses.get() == 1);
        assertThat(keptCloses).hasValue(0);
        assertThat(watch.openCount()).isEqualTo(1);
        assertThat(fixture.count("events WHERE code = 'CONSOLE_CLOSED'")).isEqualTo(1);
    }

    @Test
    void aDisabledUserLosesItsConsoleAndItsUnusedTickets() {
        Principal user = fixture.user("leaving");
        fixture.permissions.grant(user.id(), "UserRole", ObjectType.VM, vmId);
        fixture.jdbi.useHandle(h -> new ConsoleTicketRepository().insert(h, "hash-1", vmId, UUID.fromString(
                fixture.upHost(cluster, "h1").id()), Instant.now().plusSeconds(60), user.id(), user.name()));
        AtomicInteger closes = openConsole("s1", user);
        watch.start(fixture.database);

        fixture.jdbi.useHandle(h -> h.createUpdate("UPDATE users SET enabled = FALSE WHERE id = :id").bind("id", user.id()).execute());

        await().atMost(Duration.ofSeconds(10)).until(() -> closes.get() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.count("console_tickets") == 0);
    }

    @Test
    void aUserStillAllowedThroughAGroupKeepsItsConsole() {
        Principal user = fixture.user("member");
        UUID group = UUID.randomUUID();
        fixture.jdbi.useHandle(h -> {
            h.createUpdate("INSERT INTO user_groups (id, name) VALUES (:id, 'g')").bind("id", group).execute();
            h.createUpdate("INSERT INTO group_members (group_id, user_id) VALUES (:g, :u)").bind("g", group).bind("u", user.id()).execute();
            h.createUpdate("INSERT INTO permissions (id, group_id, role_id, object_type, object_id) SELECT gen_random_uuid(), :g, id, "
                    + "'VM', :vm FROM roles WHERE name = 'UserRole'").bind("g", group).bind("vm", vmId).execute();
        });
        UUID direct = fixture.permissions.grant(user.id(), "UserRole", ObjectType.VM, vmId);
        AtomicInteger closes = openConsole("s1", user);

        fixture.jdbi.useHandle(h -> h.createUpdate("DELETE FROM permissions WHERE id = :id").bind("id", direct).execute());
        watch.recheck();
        assertThat(closes).as("still allowed through its group").hasValue(0);

        fixture.jdbi.useHandle(h -> h.createUpdate("DELETE FROM group_members WHERE user_id = :u").bind("u", user.id()).execute());
        watch.recheck();
        assertThat(closes).hasValue(1);
    }
}
