package io.vireo.model.rpc;

/** The params of vm.ensureRunning: the whole spec, every time, so the host needs no state of its own. */
public record EnsureRunningParams(VmSpec spec) {
}
