package io.vireo.model.rpc;

/** How vm.ensureRunning ended: the VM as it runs now, and whether it ran before the call already. */
public record EnsureRunningResult(VmObservation observation, boolean alreadyRunning) {
}
