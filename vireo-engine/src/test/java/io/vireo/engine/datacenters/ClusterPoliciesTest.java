package io.vireo.engine.datacenters;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vireo.engine.common.DomainException;
import io.vireo.model.MigrationPolicyOverride;
import io.vireo.model.rpc.MigrationPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterPoliciesTest {
    @Test
    void anOverrideReplacesOnlyTheFieldsItGives() {
        MigrationPolicy merged = new MigrationPolicyOverride(50, null, true, null, null, null).applyTo(MigrationPolicy.defaults());
        assertThat(merged).isEqualTo(new MigrationPolicy(50, 0, true, false, List.of(100, 200, 500, 1000), 10));
    }

    @Test
    void aMaximumRaisedAboveTheInheritedStepsKeepsOnlyTheStepsAboveIt() {
        // the agent refuses steps that do not rise above the maximum: 100 with the default steps 100, 200... must not
        // reach it as it is
        MigrationPolicy merged = new MigrationPolicyOverride(100, null, null, null, null, null).applyTo(MigrationPolicy.defaults());
        assertThat(merged.downtimeStepsMs()).containsExactly(200, 500, 1000);
        MigrationPolicy vmOnTop = new MigrationPolicyOverride(null, 2, null, null, null, null).applyTo(merged);
        assertThat(vmOnTop.maxDowntimeMs()).isEqualTo(100);
        assertThat(vmOnTop.downtimeStepsMs()).containsExactly(200, 500, 1000);
        // steps given with the maximum are the caller's, checked as they are
        assertThat(new MigrationPolicyOverride(100, null, null, null, List.of(150, 300), null).applyTo(MigrationPolicy.defaults())
                .downtimeStepsMs()).containsExactly(150, 300);
    }

    @Test
    void defaultsMatchTheIssue() {
        assertThat(MigrationPolicy.defaults().maxDowntimeMs()).isEqualTo(50);
        assertThat(MigrationPolicy.defaults().downtimeStepsMs()).containsExactly(100, 200, 500, 1000);
    }

    @Test
    void refusesOutOfRangeAndShrinkingValues() {
        assertThatThrownBy(() -> ClusterPolicies.checkMigrationPolicy("migrationPolicy",
                new MigrationPolicyOverride(0, null, null, null, null, null)))
                .isInstanceOf(DomainException.class).hasMessageContaining("migrationPolicy.maxDowntimeMs");
        assertThatThrownBy(() -> ClusterPolicies.checkMigrationPolicy("migrationPolicy",
                new MigrationPolicyOverride(null, -1, null, null, null, null))).hasMessageContaining("bandwidthMiBps");
        assertThatThrownBy(() -> ClusterPolicies.checkMigrationPolicy("migrationPolicy",
                new MigrationPolicyOverride(null, null, null, null, List.of(500, 200), null))).hasMessageContaining("must grow");
        ClusterPolicies.checkMigrationPolicy("migrationPolicy", new MigrationPolicyOverride(null, null, null, null, List.of(150, 300), 5));
        ClusterPolicies.checkMigrationPolicy("migrationPolicy", null);
    }

    @Test
    void schedulingPolicyNamesAreCheckedAndParametersHandedToTheValidator() {
        assertThatThrownBy(() -> ClusterPolicies.checkSchedulingPolicy("random", null, (name, parameters) -> { }))
                .isInstanceOf(DomainException.class).hasMessageContaining("schedulingPolicy");
        assertThatThrownBy(() -> ClusterPolicies.checkSchedulingPolicy("power_saving", JsonNodeFactory.instance.objectNode(),
                (name, parameters) -> {
                    throw new IllegalArgumentException("lowUtilization must be below highUtilization");
                })).hasMessageContaining("lowUtilization");
        assertThat(ClusterPolicies.checkSchedulingPolicy("none", null, (name, parameters) -> { })).isEqualTo("none");
    }
}
