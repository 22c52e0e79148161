package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.GuestState;
import org.junit.jupiter.api.Test;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;

import static io.vireo.model.rpc.GuestState.MIGRATED;
import static io.vireo.model.rpc.GuestState.PAUSED;
import static io.vireo.model.rpc.GuestState.SHUTOFF;
import static org.assertj.core.api.Assertions.assertThat;

class DomainObservationsTest {
    // Detail numbers as libvirt sends them (virDomainEventStoppedDetailType and friends).
    private static final int STOPPED_DESTROYED = 1;
    private static final int STOPPED_MIGRATED = 3;
    private static final int SUSPENDED_MIGRATED = 1;
    private static final int SUSPENDED_POSTCOPY = 7;

    @Test
    void aStopByMigrationIsMigratedAndAnyOtherStopIsShutoff() {
        assertThat(DomainObservations.stateAfter(new DomainEvent(DomainEventType.STOPPED, STOPPED_MIGRATED))).isEqualTo(MIGRATED);
        assertThat(DomainObservations.stateAfter(new DomainEvent(DomainEventType.STOPPED, STOPPED_DESTROYED))).isEqualTo(SHUTOFF);
    }

    @Test
    void detailsNewerThanLibvirtJavaDoNotBreakTheMapping() {
        assertThat(DomainObservations.stateAfter(new DomainEvent(DomainEventType.SUSPENDED, SUSPENDED_MIGRATED))).isEqualTo(PAUSED);
        assertThat(DomainObservations.stateAfter(new DomainEvent(DomainEventType.SUSPENDED, SUSPENDED_POSTCOPY))).isEqualTo(PAUSED);
        assertThat(DomainObservations.stateAfter(new DomainEvent(DomainEventType.STOPPED, 99))).isEqualTo(SHUTOFF);
    }
}
