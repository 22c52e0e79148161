package io.vireo.engine.vms;

import io.vireo.engine.EngineFixture;
import io.vireo.model.Cluster;
import io.vireo.model.Host;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import io.vireo.model.rpc.GuestState;
import io.vireo.model.rpc.VmObservation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** VmMonitor's reconcile rules on a real PostgreSQL: the host is the truth, stale reports lose, events say what happened. */
class VmMonitorTest {
    private final EngineFixture engine = new EngineFixture();
    private final VmMonitor monitor = new VmMonitor(engine.jdbi, new VmRepository(engine.jdbi), engine.hosts, engine.events,
            new io.vireo.engine.jobs.StateChanges(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(5)));
    private final Cluster cluster = engine.cluster("c1");
    private final UUID h1 = UUID.fromString(engine.upHost(cluster, "h1").id());
    private final UUID h2 = UUID.fromString(engine.upHost(cluster, "h2").id());
    private final Vm vm = engine.vm(cluster, "web1");
    private final UUID id = UUID.fromString(vm.id());

    @AfterEach
    void close() {
        engine.close();
    }

    private VmObservation report(GuestState state, int vncPort) {
        return new VmObservation(UUID.fromString(vm.id()), vm.name(), state, vncPort, -1, 1_000, 131_072, 1);
    }

    private List<String> eventCodes() {
        return engine.jdbi.withHandle(h -> h.createQuery("SELECT code FROM events WHERE vm_id = :vm ORDER BY id")
                .bind("vm", id).mapTo(String.class).list());
    }

    @Test
    void aVmFoundRunningOnItsHostIsAdopted() {
        monitor.hostConnected(h1, List.of(report(GuestState.RUNNING, 5901)), 1);
        Vm seen = engine.vms.vm(id);
        assertThat(seen.status()).isEqualTo(VmStatus.UP);
        assertThat(seen.hostId()).isEqualTo(h1.toString());
        assertThat(seen.vncPort()).isEqualTo(5901);
        assertThat(eventCodes()).endsWith("VM_ADOPTED");
    }

    @Test
    void aVmMissingFromItsHostsListAfterAConnectIsDownUnexpectedly() {
        monitor.hostConnected(h1, List.of(report(GuestState.RUNNING, 5901)), 1);
        engine.jdbi.useHandle(h -> h.createUpdate("UPDATE vms SET desired_state = 'UP' WHERE id = :id").bind("id", id).execute());
        monitor.hostConnected(h1, List.of(), 1);
        Vm seen = engine.vms.vm(id);
        assertThat(seen.status()).isEqualTo(VmStatus.DOWN);
        assertThat(seen.hostId()).isNull();
        assertThat(seen.desiredState()).isEqualTo("DOWN");
        assertThat(eventCodes()).endsWith("VM_DOWN_UNEXPECTEDLY");
    }

    @Test
    void aPeriodicListDoesNotMarkDownAVmThatChangedAMomentAgo() {
        monitor.vmChanged(h1, report(GuestState.RUNNING, 5901), 5);
        monitor.vmsListed(h1, List.of(), 6);
        assertThat(engine.vms.vm(id).status()).isEqualTo(VmStatus.UP);
    }

    @Test
    void aSpiceDisplaysTlsPortIsRecordedAndFollowed() {
        VmObservation secure = new VmObservation(id, vm.name(), GuestState.RUNNING, -1, 5905, 1_000, 131_072, 1);
        monitor.vmChanged(h1, secure, 1);
        assertThat(engine.vms.vm(id).vncPort()).as("no plain port").isNull();
        assertThat(engine.vms.vm(id).displayTlsPort()).isEqualTo(5905);

        // the same status and host, only the port moved (say, after a migration and back)
        monitor.vmChanged(h1, new VmObservation(id, vm.name(), GuestState.RUNNING, -1, 5907, 1_000, 131_072, 1), 2);
        assertThat(engine.vms.vm(id).displayTlsPort()).isEqualTo(5907);

        // an agent of an earlier version leaves the field out, which reads as 0: no TLS port
        monitor.vmChanged(h1, new VmObservation(id, vm.name(), GuestState.RUNNING, 5901, 0, 1_000, 131_072, 1), 3);
        assertThat(engine.vms.vm(id).displayTlsPort()).isNull();
        assertThat(engine.vms.vm(id).vncPort()).isEqualTo(5901);
    }

    @Test
    void anOlderReportCrossingANewerOneIsDropped() {
        monitor.vmChanged(h1, report(GuestState.RUNNING, 5901), 10);
        monitor.vmChanged(h1, report(GuestState.PAUSED, 5901), 12);
        monitor.vmChanged(h1, report(GuestState.RUNNING, 5901), 11);
        assertThat(engine.vms.vm(id).status()).isEqualTo(VmStatus.PAUSED);
    }

    @Test
    void aReportFromAnotherHostDoesNotMoveAVmThatRunsElsewhere() {
        monitor.vmChanged(h1, report(GuestState.RUNNING, 5901), 1);
        monitor.vmChanged(h2, report(GuestState.RUNNING, 5905), 1);
        Vm seen = engine.vms.vm(id);
        assertThat(seen.hostId()).isEqualTo(h1.toString());
        assertThat(seen.vncPort()).isEqualTo(5901);
        monitor.vmChanged(h2, report(GuestState.SHUTOFF, 0), 2);
        assertThat(engine.vms.vm(id).status()).isEqualTo(VmStatus.UP);
    }

    @Test
    void aLostHostsVmsAreUnknownUntilItIsBack() {
        monitor.vmChanged(h1, report(GuestState.RUNNING, 5901), 1);
        monitor.hostLost(h1, "h1");
        assertThat(engine.vms.vm(id).status()).isEqualTo(VmStatus.UNKNOWN);
        assertThat(eventCodes()).endsWith("VM_UNKNOWN");
        monitor.hostConnected(h1, List.of(report(GuestState.RUNNING, 5901)), 1);
        assertThat(engine.vms.vm(id).status()).isEqualTo(VmStatus.UP);
        assertThat(eventCodes()).endsWith("VM_ADOPTED");
    }

    @Test
    void aVmTheEngineStoppedIsDownWithoutAnAlarm() {
        monitor.vmChanged(h1, report(GuestState.RUNNING, 5901), 1);
        monitor.vmChanged(h1, report(GuestState.SHUTOFF, 0), 2);
        assertThat(engine.vms.vm(id).status()).isEqualTo(VmStatus.DOWN);
        assertThat(eventCodes()).endsWith("VM_DOWN");
    }

    @Test
    void aHostOfAnotherClusterCannotClaimAVm() {
        UUID stranger = UUID.fromString(engine.upHost(engine.cluster("c2"), "h9").id());
        monitor.vmChanged(stranger, report(GuestState.RUNNING, 5901), 1);
        monitor.hostConnected(stranger, List.of(report(GuestState.RUNNING, 5901)), 2);
        Vm seen = engine.vms.vm(id);
        assertThat(seen.status()).isEqualTo(VmStatus.DOWN);
        assertThat(seen.hostId()).isNull();
        assertThat(eventCodes()).containsExactly("VM_CREATED");
    }

    @Test
    void aHostCannotTakeOverAVmOfItsClusterThatIsUnknownOnAnother() {
        monitor.vmChanged(h1, report(GuestState.RUNNING, 5901), 1);
        monitor.hostLost(h1, "h1");
        monitor.vmChanged(h2, report(GuestState.RUNNING, 5907), 1);
        Vm seen = engine.vms.vm(id);
        assertThat(seen.status()).isEqualTo(VmStatus.UNKNOWN);
        assertThat(seen.hostId()).isEqualTo(h1.toString());
        assertThat(seen.vncPort()).isEqualTo(5901);
    }
}
