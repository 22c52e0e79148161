package io.vireo.model;

import java.time.Instant;
import java.util.List;

public record Vm(
        String id,
        String name,
        String clusterId,
        int vcpus,
        int memoryMib,
        String kernelFileId,
        String initrdFileId,
        String cmdline,
        String graphics,
        String desiredState,
        VmStatus status,
        String hostId,
        String migratingToHostId,
        Integer vncPort,
        Integer displayTlsPort,
        List<String> diskIds,
        long cpuTimeNanos,
        MigrationPolicyOverride migrationPolicy,
        String preferredHostId,
        Instant statsUpdatedAt,
        Instant statusChangedAt,
        Instant createdAt,
        String poolId,
        String assignedUserId) {
    /**
     * Body of POST /api/vms. Disks are attached in the order given; the first one boots, unless the VM
     * boots a kernel directly: {@code kernelFileId} and {@code initrdFileId} are ids of boot files
     * ({@link BootFile}) of a storage domain of the VM's data center, never host paths.
     */
    public record Create(String name, String clusterId, Integer vcpus, Integer memoryMib, List<String> diskIds,
                         String kernelFileId, String initrdFileId, String cmdline, String graphics,
                         MigrationPolicyOverride migrationPolicy, String preferredHostId) {
    }

    /** Body of PUT /api/vms/{id}: fields left out keep their value; null in JSON cannot clear a field. */
    public record Update(MigrationPolicyOverride migrationPolicy, String preferredHostId) {
    }

    /** Optional body of POST /api/vms/{id}/migrate: a destination host; else the scheduler picks one. */
    public record Migrate(String hostId) {
    }

    /** Body of POST /api/vms/{id}/shutdown: seconds to wait for the guest before powering off. */
    public record Shutdown(Integer timeoutSeconds) {
    }

    /** Optional body of POST /api/vms/{id}/reboot: force resets the VM instead of asking the guest. */
    public record Reboot(Boolean force) {
    }

    /** Optional body of POST /api/vms/{id}/start: a host to start on. */
    public record Start(String hostId) {
    }
}
