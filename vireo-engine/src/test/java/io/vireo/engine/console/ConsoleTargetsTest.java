package io.vireo.engine.console;

import io.vireo.engine.EngineFixture;
import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.model.Cluster;
import io.vireo.model.ConsoleTicket;
import io.vireo.model.Host;
import io.vireo.model.Vm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The console connects only to a display port of the VM's own host: a port an agent reports outside the
 * display range, or a host address that is loopback or link-local, opens nothing (on a real PostgreSQL).
 */
class ConsoleTargetsTest {
    private final EngineFixture fixture = new EngineFixture();
    private final ConsoleTickets tickets = new ConsoleTickets(fixture.jdbi, fixture.vms, fixture.hosts,
            new AgentGateway(new LeadershipLease(fixture.jdbi, "test", Duration.ofSeconds(10))), fixture.events);
    private final Cluster cluster = fixture.cluster("c1");
    private final Host host = fixture.upHost(cluster, "h1");
    private final Vm vm = fixture.vm(cluster, "v1");

    @AfterEach
    void close() {
        fixture.close();
    }

    private void runsWithDisplayOn(int port) {
        fixture.jdbi.useHandle(h -> h.createUpdate("UPDATE vms SET status = 'UP', host_id = :host, vnc_port = :port WHERE id = :id")
                .bind("host", UUID.fromString(host.id())).bind("port", port).bind("id", UUID.fromString(vm.id())).execute());
    }

    @Test
    void aVncDisplayGetsNoRemoteViewerFile() {
        runsWithDisplayOn(5901);
        assertThat(vm.graphics()).isEqualTo("vnc");
        assertThatThrownBy(() -> tickets.refuseVncViewerFile(UUID.fromString(vm.id())))
                .isInstanceOf(ConflictException.class).hasMessageContaining("open its console in the browser");
        fixture.jdbi.useHandle(h -> h.createUpdate("UPDATE vms SET graphics = 'spice' WHERE id = :id")
                .bind("id", UUID.fromString(vm.id())).execute());
        tickets.refuseVncViewerFile(UUID.fromString(vm.id()));
    }

    @Test
    void aPortOutsideTheDisplayRangeIsNoConsole() {
        runsWithDisplayOn(5432);
        assertThatThrownBy(() -> tickets.issue(UUID.fromString(vm.id()), new ConsoleTicket.Request(60), fixture.user("admin")))
                .isInstanceOf(ConflictException.class).hasMessageContaining("port 5432").hasMessageContaining("5900-65535");
        assertThatThrownBy(() -> tickets.display(UUID.fromString(vm.id()))).isInstanceOf(ConflictException.class);
    }

    @Test
    void aHostOnALoopbackAddressIsNoConsole() {
        runsWithDisplayOn(5901);
        // a row from before addresses were checked
        fixture.jdbi.useHandle(h -> h.createUpdate("UPDATE hosts SET address = '127.0.0.1' WHERE id = :id")
                .bind("id", UUID.fromString(host.id())).execute());
        assertThatThrownBy(() -> tickets.display(UUID.fromString(vm.id())))
                .isInstanceOf(ConflictException.class).hasMessageContaining("loopback");
        // and the redeeming side refuses it too, whatever ticket comes in
        fixture.jdbi.useHandle(h -> new ConsoleTicketRepository().insert(h, io.vireo.engine.auth.Secrets.sha256("t1"),
                UUID.fromString(vm.id()), UUID.fromString(host.id()), java.time.Instant.now().plusSeconds(60), fixture.user("admin").id(), "admin"));
        assertThat(tickets.redeem("t1")).isEmpty();
    }

    @Test
    void aDisplayOnItsHostIsFound() {
        runsWithDisplayOn(5901);
        assertThat(tickets.display(UUID.fromString(vm.id())).port()).isEqualTo(5901);
    }

    @Test
    void aHostCannotBeAddedWithALocalAddress() {
        for (String address : new String[] {"127.0.0.1", "169.254.169.254", "0.0.0.0", "::1", "localhost"}) {
            assertThatThrownBy(() -> fixture.hosts.create(new Host.Create("bad-" + address.hashCode(), address, cluster.id())))
                    .as(address).isInstanceOf(InvalidInputException.class).hasMessageContaining("address");
        }
    }
}
