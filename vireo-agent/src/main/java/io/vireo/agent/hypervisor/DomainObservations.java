package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.VmObservation;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.StoppedDetail;

/** Turns what libvirt says about a domain into the agent's words. */
final class DomainObservations {
    private DomainObservations() {
    }

    static VmObservation observe(Domain domain) throws LibvirtException {
        String id = domain.getUUIDString();
        String name = domain.getName();
        DomainInfo info;
        try {
            info = domain.getInfo();
        }
        catch (ArrayIndexOutOfBoundsException e) {
            // libvirt-java 0.5.2 knows no state past CRASHED; the only newer one is PMSUSPENDED.
            return new VmObservation(id, name, VmObservation.PAUSED, -1, 0, 0, 0);
        }
        int vncPort = DomainXml.displayPort(domain.getXMLDesc(0));
        return new VmObservation(id, name, state(info.state), vncPort, info.cpuTime, info.memory, info.nrVirtCpu);
    }

    static VmObservation gone(String id, String name) {
        return new VmObservation(id, name, VmObservation.SHUTOFF, -1, 0, 0, 0);
    }

    /** Gone from this host because it now runs on another. */
    static VmObservation migrated(String id, String name) {
        return new VmObservation(id, name, VmObservation.MIGRATED, -1, 0, 0, 0);
    }

    static String state(DomainState state) {
        return switch (state) {
            // BLOCKED is a running guest whose vCPUs wait (idle or on I/O); NOSTATE is an active domain libvirt could not classify.
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED, VIR_DOMAIN_NOSTATE -> VmObservation.RUNNING;
            case VIR_DOMAIN_PAUSED -> VmObservation.PAUSED;
            case VIR_DOMAIN_SHUTDOWN -> VmObservation.SHUTTING_DOWN;
            case VIR_DOMAIN_SHUTOFF -> VmObservation.SHUTOFF;
            case VIR_DOMAIN_CRASHED -> VmObservation.CRASHED;
        };
    }

    /** The state a lifecycle event implies, or null when the event alone does not tell. */
    static String stateAfter(DomainEvent event) {
        if (event.getType() == DomainEventType.STOPPED && stoppedBecauseMigrated(event)) {
            return VmObservation.MIGRATED;
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

    static String stateAfter(DomainEventType event) {
        return switch (event) {
            case STARTED, RESUMED -> VmObservation.RUNNING;
            case SUSPENDED, PMSUSPENDED -> VmObservation.PAUSED;
            case SHUTDOWN -> VmObservation.SHUTTING_DOWN;
            case STOPPED -> VmObservation.SHUTOFF;
            case CRASHED -> VmObservation.CRASHED;
            case DEFINED, UNDEFINED, UNKNOWN -> null;
        };
    }
}
