package io.vireo.engine.scheduling;

import java.util.Optional;
import java.util.TreeSet;

/**
 * The host's CPU must present the VM's CPU model and every flag it needs; a guest that lost a flag
 * it started with would crash after a migration.
 */
public final class CpuCompatibilityFilter implements HostFilter {
    /** How hosts list the CPU models they can present, among their flags. */
    public static final String MODEL_PREFIX = "model_";

    @Override
    public String name() {
        return "cpu-compatibility";
    }

    @Override
    public boolean accepts(HostCandidate host, VmRequest vm, SchedulingContext context) {
        String model = context.cpuModelFlag();
        return (model == null || host.cpuFlags().contains(model))
                && host.cpuFlags().containsAll(vm.requiredCpuFlags());
    }

    @Override
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        if (context.cpuModelFlag() != null && !host.cpuFlags().contains(context.cpuModelFlag())) {
            return Optional.of("its CPU cannot present model " + vm.cpuModel());
        }
        if (!host.cpuFlags().containsAll(vm.requiredCpuFlags())) {
            TreeSet<String> missing = new TreeSet<>(vm.requiredCpuFlags());
            missing.removeAll(host.cpuFlags());
            return Optional.of("its CPU lacks flags " + String.join(", ", missing));
        }
        return Optional.empty();
    }
}
