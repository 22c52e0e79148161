package io.vireo.engine.scheduling;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulingPolicyTest {
    @Test
    void parametersTakeTheirDefaults() {
        assertThat(SchedulingPolicy.of("none", Map.of()).parameters()).isEmpty();
        assertThat(SchedulingPolicy.of("evenly_distributed", Map.of()).parameters())
                .containsExactlyInAnyOrderEntriesOf(Map.of("highUtilization", 80, "durationMinutes", 2));
        assertThat(SchedulingPolicy.of("power_saving", Map.of()).parameters())
                .containsExactlyInAnyOrderEntriesOf(Map.of("highUtilization", 80, "lowUtilization", 20, "durationMinutes", 2));
        assertThat(SchedulingPolicy.of("vm_evenly_distributed", Map.of()).parameters())
                .containsExactlyInAnyOrderEntriesOf(Map.of("highVmCount", 10, "spreadThreshold", 5));
    }

    @Test
    void givenParametersReplaceTheDefaults() {
        SchedulingPolicy policy = SchedulingPolicy.of("power_saving", Map.of("highUtilization", " 70 ", "durationMinutes", "5"));
        assertThat(policy.parameters()).containsEntry("highUtilization", 70).containsEntry("lowUtilization", 20);
        assertThat(policy.durationMinutes()).isEqualTo(5);
        assertThat(policy.cpuCeilingPercent()).isEqualTo(70);
        assertThat(SchedulingPolicy.parametersOf("power_saving")).extracting(PolicyParameter::name)
                .containsExactly("highUtilization", "lowUtilization", "durationMinutes");
    }

    @Test
    void eachPolicyListsItsWeightsWithFactors() {
        assertThat(SchedulingPolicy.of("none", Map.of()).weights())
                .extracting(weight -> weight.weight().name() + "x" + (int) weight.factor())
                .containsExactly("free-memoryx1", "preferred-hostx5", "soft-vm-affinityx10", "soft-host-affinityx10");
        assertThat(SchedulingPolicy.of("evenly_distributed", Map.of()).weights())
                .extracting(weight -> weight.weight().name()).startsWith("cpu-load", "free-memory");
        assertThat(SchedulingPolicy.of("vm_evenly_distributed", Map.of()).weights())
                .extracting(weight -> weight.weight().name()).startsWith("vm-count", "free-memory");
    }

    @Test
    void eachPolicyListsEveryFilterAndItsBalancingRules() {
        SchedulingPolicy policy = SchedulingPolicy.of("power_saving", Map.of());
        assertThat(policy.filters()).extracting(HostFilter::name).containsExactly("availability", "migration-source",
                "cpu-count", "memory", "cpu-compatibility", "storage-domains", "networks", "vm-affinity", "host-affinity");
        assertThat(policy.balancingRules()).extracting(BalancingRule::name)
                .containsExactly("soft-affinity-repair", "cpu-overload", "host-emptying");
        assertThat(SchedulingPolicy.of("none", Map.of()).balancingRules()).extracting(BalancingRule::name)
                .containsExactly("soft-affinity-repair");
        assertThat(SchedulingPolicy.of("vm_evenly_distributed", Map.of()).balancingRules()).extracting(BalancingRule::name)
                .containsExactly("soft-affinity-repair", "vm-count-spread");
    }

    @Test
    void refusesAnUnknownPolicy() {
        assertThatThrownBy(() -> SchedulingPolicy.of("fastest", Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown scheduling policy 'fastest'; choose one of none, evenly_distributed, power_saving, "
                        + "vm_evenly_distributed");
    }

    @Test
    void refusesAnUnknownParameter() {
        assertThatThrownBy(() -> SchedulingPolicy.of("evenly_distributed", Map.of("lowUtilization", "10")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Scheduling policy evenly_distributed has no parameter 'lowUtilization'; it takes "
                        + "highUtilization, durationMinutes");
        assertThatThrownBy(() -> SchedulingPolicy.of("none", Map.of("x", "1")))
                .hasMessage("Scheduling policy none has no parameter 'x'; it takes none");
    }

    @Test
    void refusesValuesThatAreNotWholeNumbersWithinBounds() {
        assertThatThrownBy(() -> SchedulingPolicy.of("evenly_distributed", Map.of("highUtilization", "eighty")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Parameter highUtilization of scheduling policy evenly_distributed must be a whole number "
                        + "from 1 to 100, not 'eighty'");
        assertThatThrownBy(() -> SchedulingPolicy.of("evenly_distributed", Map.of("highUtilization", "101")))
                .hasMessageContaining("from 1 to 100, not '101'");
        assertThatThrownBy(() -> SchedulingPolicy.of("vm_evenly_distributed", Map.of("spreadThreshold", "0")))
                .hasMessageContaining("spreadThreshold").hasMessageContaining("not '0'");
    }

    @Test
    void powerSavingsLowThresholdMustBeBelowItsHighOne() {
        assertThatThrownBy(() -> SchedulingPolicy.of("power_saving", Map.of("lowUtilization", "60", "highUtilization", "60")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Parameter lowUtilization of scheduling policy power_saving (60) must be below highUtilization (60)");
    }
}
