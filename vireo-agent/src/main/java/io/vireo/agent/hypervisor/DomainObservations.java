package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.GuestState;
import io.vireo.model.rpc.VmObservation;
import org.libvirt.Domain;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.StoppedDetail;
import java.util.UUID;

/** Turns what libvirt says about a domain into the agent's words. */
final class DomainObservations {
    private DomainObservations() {
    }

    static VmObservation observe(Domain domain) throws LibvirtException {
        UUID id = UUID.fromString(domain.getUUIDString());
        String name = domain.getName();
        DomainInfo info;
        try {
            info = domain.getInfo();
        }
        catch (ArrayIndexOutOfBoundsException e) {
            // libvirt-java 0.5.2 knows no state past CRASHED; the only newer one is PMSUSPENDED.
            return new VmObservation(id, name, GuestState.PAUSED, -1, -1, 0, 0, 0);
        }
        String xml = domain.getXMLDesc(0);
        return new VmObservation(id, name, state(info.state), DomainXml.displayPort(xml), DomainXml.displayTlsPort(xml),
                info.cpuTime, info.memory, info.nrVirtCpu);
    }

    static VmObservation gone(UUID id, String name) {
        return new VmObservation(id, name, GuestState.SHUTOFF, -1, -1, 0, 0, 0);
    }

    /** Gone from this host because it now runs on another. */
    static VmObservation migrated(UUID id, String name) {
        return new VmObservation(id, name, GuestState.MIGRATED, -1, -1, 0, 0, 0);
    }

    static GuestState state(DomainState state) {
        return switch (state) {
            // BLOCKED is a running guest whose vCPUs wait (idle or on I/O); NOSTATE is an active domain libvirt could not classify.
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED, VIR_DOMAIN_NOSTATE -> GuestState.RUNNING;
            case VIR_DOMAIN_PAUSED -> GuestState.PAUSED;
            case VIR_DOMAIN_SHUTDOWN -> GuestState.SHUTTING_DOWN;
            case VIR_DOMAIN_SHUTOFF -> GuestState.SHUTOFF;
            case VIR_DOMAIN_CRASHED -> GuestState.CRASHED;
        };
    }

    /** The state a lifecycle event implies, or null when the event alone does not tell. */
    static GuestState stateAfter(DomainEvent event) {
        if (event.getType() == DomainEventType.STOPPED && stoppedBecauseMigrated(event)) {
            return GuestState.MIGRATED;
        }
        return stateAfter(event.getType());
    }

    private static boolean stoppedBecauseMigrated(DomainEvent event) {
        try {
            return event.getDetail() == StoppedDetail.MIGRATED;
        }
        catch (RuntimeException e) {
            return false; // a detail newer than libvirt-java 0.5.2 knows: not the migrated one, which is old
        }
    }

    static GuestState stateAfter(DomainEventType event) {
        return switch (event) {
            case STARTED, RESUMED -> GuestState.RUNNING;
            case SUSPENDED, PMSUSPENDED -> GuestState.PAUSED;
            case SHUTDOWN -> GuestState.SHUTTING_DOWN;
            case STOPPED -> GuestState.SHUTOFF;
            case CRASHED -> GuestState.CRASHED;
            case DEFINED, UNDEFINED, UNKNOWN -> null;
        };
    }
}
