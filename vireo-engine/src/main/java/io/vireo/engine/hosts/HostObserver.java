package io.vireo.engine.hosts;

import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.VmObservation;

import java.util.List;
import java.util.UUID;

/**
 * What the features above hosts learn from the agents through the host monitor: VM reports,
 * migration progress, a host lost. Owned here so that hosts never imports the features that listen
 * (vms, migration); they implement it and are handed to the monitor when the engine is wired.
 */
public interface HostObserver {
    /** An agent (re)connected and listed every VM it runs; its report numbers may start again from zero. */
    default void hostConnected(UUID hostId, List<VmObservation> vms, long seq) {
    }

    /** One VM changed state on the host (a libvirt event), numbered by the agent. */
    default void vmChanged(UUID hostId, VmObservation observation, long seq) {
    }

    /** The periodic full list of the host's VMs. */
    default void vmsListed(UUID hostId, List<VmObservation> vms, long seq) {
    }

    /** The host stopped answering and is NonResponsive. */
    /**
     * The host cannot be trusted to run or report its VMs any more: it stopped answering, or libvirt on it
     * does not answer; {@code why} says which, as the end of a sentence ("its host h1 does not respond").
     */
    default void hostLost(UUID hostId, String why) {
    }

    /** A host's report on a migration it runs as the source (or says it does: the observer checks). */
    default void migrationProgress(UUID hostId, MigrationProgress progress) {
    }
}
