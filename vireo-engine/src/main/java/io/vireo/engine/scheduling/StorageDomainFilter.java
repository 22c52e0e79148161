package io.vireo.engine.scheduling;

import java.util.Optional;
import java.util.TreeSet;

/** The host must reach the storage domain of every disk of the VM. */
public final class StorageDomainFilter implements HostFilter {
    @Override
    public String name() {
        return "storage-domains";
    }

    @Override
    public boolean accepts(HostCandidate host, VmRequest vm, SchedulingContext context) {
        return host.storageDomainIds().containsAll(vm.storageDomainIds());
    }

    @Override
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        if (!accepts(host, vm, context)) {
            TreeSet<String> missing = new TreeSet<>(vm.storageDomainIds());
            missing.removeAll(host.storageDomainIds());
            return Optional.of("it cannot reach storage domains " + String.join(", ", missing));
        }
        return Optional.empty();
    }
}
