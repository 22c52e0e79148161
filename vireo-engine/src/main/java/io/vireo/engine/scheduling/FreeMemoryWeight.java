package io.vireo.engine.scheduling;

import static java.util.Objects.requireNonNull;

/**
 * The part of the host's guest memory (within the overcommit) that stays free once the VM is on it.
 * Spreading prefers the emptiest host; packing the fullest that still fits the VM.
 */
public final class FreeMemoryWeight implements HostWeight {
    private final LoadGoal goal;

    public FreeMemoryWeight(LoadGoal goal) {
        this.goal = requireNonNull(goal, "goal");
    }

    @Override
    public String name() {
        return "free-memory";
    }

    @Override
    public double score(HostCandidate host, VmRequest vm, SchedulingContext context) {
        long capacity = context.memoryCapacityMib(host);
        if (capacity <= 0) {
            return 0;
        }
        double freeAfter = (double) (context.freeMemoryMib(host) - vm.memoryMib()) / capacity;
        double fraction = Math.clamp(freeAfter, 0.0, 1.0);
        return goal == LoadGoal.SPREAD ? fraction : 1 - fraction;
    }
}
