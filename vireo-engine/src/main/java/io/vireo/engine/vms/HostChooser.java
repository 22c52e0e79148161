package io.vireo.engine.vms;

import io.vireo.model.Vm;

import java.util.UUID;

/**
 * Where a VM starts: answered by the placement feature (the cluster's scheduling policy), which
 * sits above vms. Throws a job failure (NO_HOST_AVAILABLE) that says why when no host fits.
 */
@FunctionalInterface
public interface HostChooser {
    /** The host to start the VM on: the requested one if it fits, else the scheduler's choice. */
    UUID chooseForStart(Vm vm, UUID requestedHost);
}
