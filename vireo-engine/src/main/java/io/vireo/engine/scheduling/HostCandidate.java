package io.vireo.engine.scheduling;

import io.vireo.model.HostStatus;

import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A host as the scheduler sees it at one moment.
 *
 * @param connected whether the host's agent session is open right now (the status lags by seconds)
 * @param maintenance true while the host is in, or being prepared for, maintenance: it takes no new VMs
 * @param cpuFlags the CPU flags the host reports, plus one {@code model_<Name>} entry per CPU model it
 *        can present to guests (as libvirt's domain capabilities list them)
 * @param memoryCommittedMib the memory of the VMs placed on the host, the VMs still migrating to it included
 * @param cpuLoadPercent the host's CPU load, averaged by the caller over the policy's duration
 * @param storageDomainIds the storage domains the host can reach
 * @param networkNames the logical networks attached to the host
 */
public record HostCandidate(
        String id,
        String name,
        String clusterId,
        HostStatus status,
        boolean connected,
        boolean maintenance,
        int cpuCount,
        Set<String> cpuFlags,
        long memoryTotalMib,
        long memoryCommittedMib,
        double cpuLoadPercent,
        int runningVmCount,
        Set<String> storageDomainIds,
        Set<String> networkNames) {
    public HostCandidate {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(clusterId, "clusterId");
        requireNonNull(status, "status");
        cpuFlags = Set.copyOf(cpuFlags);
        storageDomainIds = Set.copyOf(storageDomainIds);
        networkNames = Set.copyOf(networkNames);
    }

    /** The same host with other load figures: what it would look like after a migration. */
    HostCandidate withLoad(long committedMib, double loadPercent, int vmCount) {
        return new HostCandidate(id, name, clusterId, status, connected, maintenance, cpuCount, cpuFlags,
                memoryTotalMib, committedMib, loadPercent, vmCount, storageDomainIds, networkNames);
    }
}
