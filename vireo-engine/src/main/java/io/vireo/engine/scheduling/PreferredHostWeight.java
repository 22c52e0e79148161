package io.vireo.engine.scheduling;

/** 1 on a host the VM prefers, 0 elsewhere. */
public final class PreferredHostWeight implements HostWeight {
    @Override
    public String name() {
        return "preferred-host";
    }

    @Override
    public double score(HostCandidate host, VmRequest vm, SchedulingContext context) {
        return vm.preferredHostIds().contains(host.id()) ? 1 : 0;
    }
}
