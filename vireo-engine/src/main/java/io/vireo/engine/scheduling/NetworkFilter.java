package io.vireo.engine.scheduling;

import java.util.Optional;
import java.util.TreeSet;

/** The host must have every logical network the VM's interfaces use. */
public final class NetworkFilter implements HostFilter {
    @Override
    public String name() {
        return "networks";
    }

    @Override
    public boolean accepts(HostCandidate host, VmRequest vm, SchedulingContext context) {
        return host.networkNames().containsAll(vm.networkNames());
    }

    @Override
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        if (!accepts(host, vm, context)) {
            TreeSet<String> missing = new TreeSet<>(vm.networkNames());
            missing.removeAll(host.networkNames());
            return Optional.of("it lacks networks " + String.join(", ", missing));
        }
        return Optional.empty();
    }
}
