package io.vireo.engine.scheduling;

import static java.util.Objects.requireNonNull;

/**
 * The host's CPU load. Spreading prefers the least loaded host. Packing prefers the busiest host
 * still under the high utilization threshold, and puts hosts at or above it last, so that VMs
 * gather on few hosts without overloading one.
 */
public final class CpuLoadWeight implements HostWeight {
    private final LoadGoal goal;
    private final double highUtilizationPercent;

    /** @param highUtilizationPercent where packing stops; unused when spreading */
    public CpuLoadWeight(LoadGoal goal, double highUtilizationPercent) {
        this.goal = requireNonNull(goal, "goal");
        if (highUtilizationPercent <= 0 || highUtilizationPercent > 100) {
            throw new IllegalArgumentException("The high utilization must be a percentage above 0, not "
                    + highUtilizationPercent);
        }
        this.highUtilizationPercent = highUtilizationPercent;
    }

    @Override
    public String name() {
        return "cpu-load";
    }

    @Override
    public double score(HostCandidate host, VmRequest vm, SchedulingContext context) {
        double load = Math.clamp(host.cpuLoadPercent(), 0.0, 100.0);
        if (goal == LoadGoal.SPREAD) {
            return 1 - load / 100;
        }
        return load < highUtilizationPercent ? load / highUtilizationPercent : 0;
    }
}
