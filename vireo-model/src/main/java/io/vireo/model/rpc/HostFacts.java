package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What an agent tells the engine when it connects.
 *
 * @param domainType "kvm" when the host can run hardware-accelerated guests, else "qemu" (TCG)
 * @param nics the host's network interfaces (left off the wire when none were read)
 */
public record HostFacts(
        String hostname,
        String domainType,
        int cpuCount,
        long memoryTotalKib,
        String libvirtVersion,
        String agentVersion,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<HostNic> nics) {
    public HostFacts {
        nics = nics == null ? List.of() : List.copyOf(nics);
    }

    public HostFacts(String hostname, String domainType, int cpuCount, long memoryTotalKib, String libvirtVersion,
                     String agentVersion) {
        this(hostname, domainType, cpuCount, memoryTotalKib, libvirtVersion, agentVersion, List.of());
    }

    public HostFacts withNics(List<HostNic> hostNics) {
        return new HostFacts(hostname, domainType, cpuCount, memoryTotalKib, libvirtVersion, agentVersion, hostNics);
    }
}
