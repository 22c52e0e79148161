package io.vireo.model.rpc;

/** Host figures the agent pushes every few seconds. */
public record HostStats(
        int cpuCount,
        double cpuLoadPercent,
        long memoryTotalKib,
        long memoryFreeKib,
        int runningVms) {
}
