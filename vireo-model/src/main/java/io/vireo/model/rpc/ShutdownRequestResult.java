package io.vireo.model.rpc;

/** How vm.requestShutdown ended: false when the VM did not run, so there was no button to press. */
public record ShutdownRequestResult(boolean requested) {
}
