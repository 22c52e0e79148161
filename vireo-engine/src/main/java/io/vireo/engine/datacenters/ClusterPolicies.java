package io.vireo.engine.datacenters;

import io.vireo.engine.common.InvalidInputException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.engine.common.Fields;
import io.vireo.model.MigrationPolicyOverride;

import java.util.List;
import java.util.function.BiConsumer;

/** Checks of migration and scheduling settings, shared by cluster updates and VM overrides. */
public final class ClusterPolicies {
    public static final List<String> SCHEDULING_POLICIES = List.of("none", "evenly_distributed", "power_saving",
            "vm_evenly_distributed");

    private ClusterPolicies() {
    }

    /** Checks every field that is given; a field left out is fine. */
    public static void checkMigrationPolicy(String prefix, MigrationPolicyOverride policy) {
        if (policy == null) {
            return;
        }
        if (policy.maxDowntimeMs() != null) {
            Fields.range(prefix + ".maxDowntimeMs", policy.maxDowntimeMs(), 1, 60_000);
        }
        if (policy.bandwidthMiBps() != null) {
            Fields.range(prefix + ".bandwidthMiBps", policy.bandwidthMiBps(), 0, 100_000);
        }
        if (policy.stallSeconds() != null) {
            Fields.range(prefix + ".stallSeconds", policy.stallSeconds(), 1, 3600);
        }
        List<Integer> steps = policy.downtimeStepsMs();
        if (steps != null) {
            if (steps.size() > 10) {
                throw InvalidInputException.invalid(prefix + ".downtimeStepsMs", "At most 10 downtime steps can be given");
            }
            int previous = 0;
            for (Integer step : steps) {
                Fields.range(prefix + ".downtimeStepsMs", step, 1, 60_000);
                if (step <= previous) {
                    throw InvalidInputException.invalid(prefix + ".downtimeStepsMs", "The downtime steps must grow: " + steps);
                }
                previous = step;
            }
        }
    }

    /** Checks the policy's name and hands its parameters to a validator that knows the policy. */
    public static String checkSchedulingPolicy(String name, JsonNode parameters, BiConsumer<String, JsonNode> validator) {
        Fields.oneOf("schedulingPolicy", name, SCHEDULING_POLICIES.toArray(String[]::new));
        if (parameters != null && !parameters.isObject()) {
            throw InvalidInputException.invalid("schedulingParameters", "The scheduling parameters must be a JSON object");
        }
        try {
            validator.accept(name, parameters);
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.invalid("schedulingParameters", e.getMessage());
        }
        return name;
    }
}
