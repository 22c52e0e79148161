package io.vireo.engine.scheduling;

import java.util.Optional;

/** The host must have room for the VM's memory within the cluster's overcommit. */
public final class MemoryFilter implements HostFilter {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean accepts(HostCandidate host, VmRequest vm, SchedulingContext context) {
        return vm.memoryMib() <= context.freeMemoryMib(host);
    }

    @Override
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        long free = context.freeMemoryMib(host);
        if (!accepts(host, vm, context)) {
            return Optional.of("not enough memory (" + Math.max(0, free) + " MiB free, " + vm.memoryMib() + " needed)");
        }
        return Optional.empty();
    }
}
