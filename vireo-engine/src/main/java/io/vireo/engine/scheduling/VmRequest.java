package io.vireo.engine.scheduling;

import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A VM to place, or one already placed (then {@code currentHostId} is its host).
 *
 * @param cpuModel the CPU model the VM is defined with, or null when any model will do
 * @param requiredCpuFlags CPU flags the guest needs beyond its model
 * @param storageDomainIds the storage domains of the VM's disks
 * @param networkNames the logical networks of the VM's interfaces
 * @param currentHostId the host the VM runs on, or null when it is down
 * @param preferredHostIds hosts the VM should run on when they can take it
 */
public record VmRequest(
        String id,
        String name,
        int vcpus,
        long memoryMib,
        String cpuModel,
        Set<String> requiredCpuFlags,
        Set<String> storageDomainIds,
        Set<String> networkNames,
        String currentHostId,
        Set<String> preferredHostIds) {
    public VmRequest {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        if (vcpus < 1 || memoryMib < 0) {
            throw new IllegalArgumentException("VM " + name + " needs at least one vCPU and no negative memory, not "
                    + vcpus + " vCPUs and " + memoryMib + " MiB");
        }
        requiredCpuFlags = Set.copyOf(requiredCpuFlags);
        storageDomainIds = Set.copyOf(storageDomainIds);
        networkNames = Set.copyOf(networkNames);
        preferredHostIds = Set.copyOf(preferredHostIds);
    }

    public boolean running() {
        return currentHostId != null;
    }

    /** The same VM on another host: what it would look like after a migration. */
    public VmRequest onHost(String hostId) {
        return new VmRequest(id, name, vcpus, memoryMib, cpuModel, requiredCpuFlags, storageDomainIds, networkNames,
                hostId, preferredHostIds);
    }
}
