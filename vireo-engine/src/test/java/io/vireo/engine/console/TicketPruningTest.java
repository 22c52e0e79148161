package io.vireo.engine.console;

import io.vireo.engine.EngineFixture;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.model.Cluster;
import io.vireo.model.Host;
import io.vireo.model.Vm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Console tickets go once they have been expired for the grace, used or not, on a real PostgreSQL. */
class TicketPruningTest {
    private final EngineFixture fixture = new EngineFixture();
    private final ConsoleTickets tickets = new ConsoleTickets(fixture.jdbi, fixture.vms, fixture.hosts,
            new AgentGateway(new LeadershipLease(fixture.jdbi, "test", Duration.ofSeconds(10))), fixture.events);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void ticketsExpiredLongerThanTheGraceGo() {
        Cluster cluster = fixture.cluster("c1");
        Host host = fixture.upHost(cluster, "h1");
        Vm vm = fixture.vm(cluster, "v1");
        Instant now = Instant.now();
        ConsoleTicketRepository repository = new ConsoleTicketRepository();
        UUID admin = fixture.user("admin").id();
        fixture.jdbi.useHandle(h -> {
            for (var ticket : java.util.Map.of("two-days", now.minus(Duration.ofDays(2)), "an-hour", now.minus(Duration.ofHours(1)),
                    "valid", now.plusSeconds(120)).entrySet()) {
                repository.insert(h, ticket.getKey(), UUID.fromString(vm.id()), UUID.fromString(host.id()), ticket.getValue(), admin, "admin");
            }
        });
        assertThat(fixture.count("console_tickets")).isEqualTo(3);

        assertThat(tickets.pruneExpired(now, Duration.ofDays(1))).isEqualTo(1);
        assertThat(fixture.count("console_tickets")).isEqualTo(2);
        assertThat(tickets.pruneExpired(now.plus(Duration.ofMinutes(3)), Duration.ZERO)).isEqualTo(2);
        assertThat(fixture.count("console_tickets")).isZero();
    }
}
