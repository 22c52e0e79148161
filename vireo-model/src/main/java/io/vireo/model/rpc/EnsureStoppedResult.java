package io.vireo.model.rpc;

/** How vm.ensureStopped ended: false when the VM did not run (nothing was done). */
public record EnsureStoppedResult(boolean wasRunning) {
}
