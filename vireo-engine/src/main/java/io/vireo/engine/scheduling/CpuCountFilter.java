package io.vireo.engine.scheduling;

import java.util.Optional;

/** A VM may not have more vCPUs than the host has CPUs: its vCPUs would contend with each other. */
public final class CpuCountFilter implements HostFilter {
    @Override
    public String name() {
        return "cpu-count";
    }

    @Override
    public boolean accepts(HostCandidate host, VmRequest vm, SchedulingContext context) {
        return host.cpuCount() >= vm.vcpus();
    }

    @Override
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        if (!accepts(host, vm, context)) {
            return Optional.of("too few CPUs (" + host.cpuCount() + ", the VM has " + vm.vcpus() + " vCPUs)");
        }
        return Optional.empty();
    }
}
