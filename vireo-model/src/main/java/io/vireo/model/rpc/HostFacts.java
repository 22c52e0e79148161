package io.vireo.model.rpc;

/**
 * What an agent tells the engine when it connects.
 *
 * @param domainType "kvm" when the host can run hardware-accelerated guests, else "qemu" (TCG)
 */
public record HostFacts(
        String hostname,
        String domainType,
        int cpuCount,
        long memoryTotalKib,
        String libvirtVersion,
        String agentVersion) {
}
