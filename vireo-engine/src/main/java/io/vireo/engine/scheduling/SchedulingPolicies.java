package io.vireo.engine.scheduling;

import java.util.List;
import java.util.Map;

import static io.vireo.engine.scheduling.SchedulingPolicy.DURATION_MINUTES;
import static io.vireo.engine.scheduling.SchedulingPolicy.HIGH_UTILIZATION;
import static io.vireo.engine.scheduling.SchedulingPolicy.HIGH_VM_COUNT;
import static io.vireo.engine.scheduling.SchedulingPolicy.LOW_UTILIZATION;
import static io.vireo.engine.scheduling.SchedulingPolicy.SPREAD_THRESHOLD;

/** The four policies: their parameters, weights and balancing rules. */
final class SchedulingPolicies {
    private static final PolicyParameter HIGH = new PolicyParameter(HIGH_UTILIZATION, 80, 1, 100,
            "CPU load (percent) above which a host is overloaded and gives VMs away");
    private static final PolicyParameter LOW = new PolicyParameter(LOW_UTILIZATION, 20, 0, 99,
            "CPU load (percent) below which power saving empties a host so it can be switched off");
    private static final PolicyParameter DURATION = new PolicyParameter(DURATION_MINUTES, 2, 1, 1440,
            "minutes over which host CPU loads are averaged before they count");
    private static final PolicyParameter VM_COUNT = new PolicyParameter(HIGH_VM_COUNT, 10, 1, 100_000,
            "running VMs above which a host is overloaded");
    private static final PolicyParameter SPREAD = new PolicyParameter(SPREAD_THRESHOLD, 5, 1, 100_000,
            "how many more VMs the busiest host may run than the least busy before VMs move");

    private SchedulingPolicies() {
    }

    static List<PolicyParameter> parameters(String name) {
        return switch (name) {
            case SchedulingPolicy.EVENLY_DISTRIBUTED -> List.of(HIGH, DURATION);
            case SchedulingPolicy.POWER_SAVING -> List.of(HIGH, LOW, DURATION);
            case SchedulingPolicy.VM_EVENLY_DISTRIBUTED -> List.of(VM_COUNT, SPREAD);
            default -> List.of();
        };
    }

    /** Filters only, and spread by free memory; balancing only repairs soft affinity. */
    static SchedulingPolicy none(Map<String, Integer> values) {
        return new SchedulingPolicy(SchedulingPolicy.NONE, values,
                List.of(new PolicyWeight(new FreeMemoryWeight(LoadGoal.SPREAD), 1)), List.of(), 100);
    }

    /** Spread by CPU load (then memory); VMs leave hosts above the high utilization. */
    static SchedulingPolicy evenlyDistributed(Map<String, Integer> values) {
        int high = values.get(HIGH_UTILIZATION);
        return new SchedulingPolicy(SchedulingPolicy.EVENLY_DISTRIBUTED, values,
                List.of(new PolicyWeight(new CpuLoadWeight(LoadGoal.SPREAD, high), 2),
                        new PolicyWeight(new FreeMemoryWeight(LoadGoal.SPREAD), 1)),
                List.of(new CpuOverloadRule(high)), high);
    }

    /** Pack onto the busiest hosts under the high utilization; empty the hosts below the low one. */
    static SchedulingPolicy powerSaving(Map<String, Integer> values) {
        int high = values.get(HIGH_UTILIZATION);
        int low = values.get(LOW_UTILIZATION);
        if (low >= high) {
            throw new IllegalArgumentException("Parameter " + LOW_UTILIZATION + " of scheduling policy "
                    + SchedulingPolicy.POWER_SAVING + " (" + low + ") must be below " + HIGH_UTILIZATION + " (" + high + ")");
        }
        return new SchedulingPolicy(SchedulingPolicy.POWER_SAVING, values,
                List.of(new PolicyWeight(new CpuLoadWeight(LoadGoal.PACK, high), 2),
                        new PolicyWeight(new FreeMemoryWeight(LoadGoal.PACK), 1)),
                List.of(new CpuOverloadRule(high), new HostEmptyingRule(low)), high);
    }

    /** Spread by running VM count (then memory); VMs leave the busiest host when the spread is too wide. */
    static SchedulingPolicy vmEvenlyDistributed(Map<String, Integer> values) {
        return new SchedulingPolicy(SchedulingPolicy.VM_EVENLY_DISTRIBUTED, values,
                List.of(new PolicyWeight(new VmCountWeight(), 2), new PolicyWeight(new FreeMemoryWeight(LoadGoal.SPREAD), 1)),
                List.of(new VmCountSpreadRule(values.get(HIGH_VM_COUNT), values.get(SPREAD_THRESHOLD))), 100);
    }
}
