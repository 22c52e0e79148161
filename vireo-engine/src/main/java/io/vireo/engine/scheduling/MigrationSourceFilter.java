package io.vireo.engine.scheduling;

import java.util.Optional;

/** A running VM is placed only to move it, so the host it runs on is no answer. */
public final class MigrationSourceFilter implements HostFilter {
    @Override
    public String name() {
        return "migration-source";
    }

    @Override
    public boolean accepts(HostCandidate host, VmRequest vm, SchedulingContext context) {
        return !host.id().equals(vm.currentHostId());
    }

    @Override
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        if (!accepts(host, vm, context)) {
            return Optional.of("the VM already runs there");
        }
        return Optional.empty();
    }
}
