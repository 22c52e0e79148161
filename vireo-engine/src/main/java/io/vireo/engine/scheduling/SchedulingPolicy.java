package io.vireo.engine.scheduling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A named way to place and balance VMs: the filters every host must pass, the weights (with their
 * factors) that rank the hosts that pass, and the balancing rules, first one first.
 *
 * <p>Every policy also keeps the soft affinity groups (weights with factor 10, and a repair rule
 * that comes before its own balancing) and the preferred hosts (factor 5): those are the
 * administrator's and the VM owner's wishes, which no load figure should outweigh.
 *
 * <p>CPU load thresholds are compared with {@link HostCandidate#cpuLoadPercent()}: the caller
 * averages each host's load over the policy's {@code durationMinutes} (see {@link #durationMinutes()}),
 * which is how "above the threshold for N minutes" reaches this pure code.
 */
public final class SchedulingPolicy {
    public static final String NONE = "none";
    public static final String EVENLY_DISTRIBUTED = "evenly_distributed";
    public static final String POWER_SAVING = "power_saving";
    public static final String VM_EVENLY_DISTRIBUTED = "vm_evenly_distributed";
    public static final List<String> NAMES = List.of(NONE, EVENLY_DISTRIBUTED, POWER_SAVING, VM_EVENLY_DISTRIBUTED);

    public static final String HIGH_UTILIZATION = "highUtilization";
    public static final String LOW_UTILIZATION = "lowUtilization";
    public static final String DURATION_MINUTES = "durationMinutes";
    public static final String HIGH_VM_COUNT = "highVmCount";
    public static final String SPREAD_THRESHOLD = "spreadThreshold";

    static final double AFFINITY_FACTOR = 10;
    static final double PREFERRED_HOST_FACTOR = 5;

    private static final List<HostFilter> FILTERS = List.of(new HostAvailabilityFilter(), new MigrationSourceFilter(),
            new CpuCountFilter(), new MemoryFilter(), new CpuCompatibilityFilter(), new StorageDomainFilter(),
            new NetworkFilter(), new VmAffinityFilter(), new HostAffinityFilter());

    private final String name;
    private final Map<String, Integer> parameters;
    private final List<PolicyWeight> weights;
    private final List<BalancingRule> balancingRules;
    private final double cpuCeilingPercent;
    private final HostFilter[] filterArray;
    private final PolicyWeight[] weightArray;

    SchedulingPolicy(String name, Map<String, Integer> parameters, List<PolicyWeight> loadWeights,
                     List<BalancingRule> loadRules, double cpuCeilingPercent) {
        this.name = requireNonNull(name, "name");
        this.parameters = Map.copyOf(parameters);
        this.weights = concat(loadWeights, List.of(new PolicyWeight(new PreferredHostWeight(), PREFERRED_HOST_FACTOR),
                new PolicyWeight(new SoftVmAffinityWeight(), AFFINITY_FACTOR),
                new PolicyWeight(new SoftHostAffinityWeight(), AFFINITY_FACTOR)));
        this.balancingRules = concat(List.of(new SoftAffinityRepair()), loadRules);
        this.cpuCeilingPercent = cpuCeilingPercent;
        this.filterArray = FILTERS.toArray(HostFilter[]::new);
        this.weightArray = weights.toArray(PolicyWeight[]::new);
    }

    private static <T> List<T> concat(List<? extends T> first, List<? extends T> second) {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }

    /**
     * The policy of this name with these parameters (as text, the way they are stored and sent);
     * a parameter not given takes its default.
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown policy or parameter, or a bad value
     */
    public static SchedulingPolicy of(String name, Map<String, String> parameters) {
        requireNonNull(parameters, "parameters");
        if (name == null || !NAMES.contains(name)) {
            throw new IllegalArgumentException("Unknown scheduling policy '" + name + "'; choose one of "
                    + String.join(", ", NAMES));
        }
        Map<String, Integer> values = parse(name, parameters);
        return switch (name) {
            case NONE -> SchedulingPolicies.none(values);
            case EVENLY_DISTRIBUTED -> SchedulingPolicies.evenlyDistributed(values);
            case POWER_SAVING -> SchedulingPolicies.powerSaving(values);
            case VM_EVENLY_DISTRIBUTED -> SchedulingPolicies.vmEvenlyDistributed(values);
            default -> throw new IllegalStateException(name);
        };
    }

    /** The parameters a policy takes, with their defaults and bounds, in the order they are documented. */
    public static List<PolicyParameter> parametersOf(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("Unknown scheduling policy '" + name + "'; choose one of "
                    + String.join(", ", NAMES));
        }
        return SchedulingPolicies.parameters(name);
    }

    private static Map<String, Integer> parse(String name, Map<String, String> given) {
        List<PolicyParameter> known = SchedulingPolicies.parameters(name);
        Map<String, PolicyParameter> byName = new LinkedHashMap<>();
        known.forEach(parameter -> byName.put(parameter.name(), parameter));
        for (String key : new TreeMap<>(given).keySet()) {
            if (!byName.containsKey(key)) {
                throw new IllegalArgumentException("Scheduling policy " + name + " has no parameter '" + key + "'; "
                        + (known.isEmpty() ? "it takes none" : "it takes " + String.join(", ", byName.keySet())));
            }
        }
        Map<String, Integer> values = new LinkedHashMap<>();
        byName.forEach((key, parameter) -> values.put(key, parameter.parse(name, given.get(key))));
        return values;
    }

    public String name() {
        return name;
    }

    /** Every parameter of the policy with its value in force, defaults included. */
    public Map<String, Integer> parameters() {
        return parameters;
    }

    public List<HostFilter> filters() {
        return FILTERS;
    }

    public List<PolicyWeight> weights() {
        return weights;
    }

    /** The balancing rules in the order the balancer asks them for the next move. */
    public List<BalancingRule> balancingRules() {
        return balancingRules;
    }

    /** The CPU load no balancing move may push a target host above, in percent. */
    public double cpuCeilingPercent() {
        return cpuCeilingPercent;
    }

    /** Over how many minutes the caller should average host CPU loads; 0 when the policy ignores CPU load. */
    public int durationMinutes() {
        return parameters.getOrDefault(DURATION_MINUTES, 0);
    }

    HostFilter[] filterArray() {
        return filterArray;
    }

    PolicyWeight[] weightArray() {
        return weightArray;
    }

    @Override
    public String toString() {
        return name + parameters;
    }
}
