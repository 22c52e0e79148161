package io.vireo.model;

import io.vireo.model.rpc.MigrationPolicy;

import java.util.List;

/** Migration settings where every field may be left out (null): a VM's overrides, or a cluster update. */
public record MigrationPolicyOverride(
        Integer maxDowntimeMs,
        Integer bandwidthMiBps,
        Boolean autoConverge,
        Boolean postCopy,
        List<Integer> downtimeStepsMs,
        Integer stallSeconds) {

    /** The base policy with the fields given here replacing its own. */
    public MigrationPolicy applyTo(MigrationPolicy base) {
        int maxDowntime = maxDowntimeMs != null ? maxDowntimeMs : base.maxDowntimeMs();
        // a maximum raised above the inherited steps keeps only the steps above it (a step raises the downtime)
        java.util.List<Integer> steps = downtimeStepsMs != null ? downtimeStepsMs
                : base.downtimeStepsMs().stream().filter(step -> step > maxDowntime).toList();
        return new MigrationPolicy(
                maxDowntime,
                bandwidthMiBps != null ? bandwidthMiBps : base.bandwidthMiBps(),
                autoConverge != null ? autoConverge : base.autoConverge(),
                postCopy != null ? postCopy : base.postCopy(),
                steps,
                stallSeconds != null ? stallSeconds : base.stallSeconds());
    }
}
