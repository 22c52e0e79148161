package io.vireo.engine.vms;

import java.util.UUID;

/**
 * Readies a host's networking for a VM before the VM starts or migrates in there (the built-in network
 * provider's segments, port filters and DHCP entries of the VM's ports); implemented by the networks
 * feature, wired by Engine. A VM without such ports costs nothing.
 */
@FunctionalInterface
public interface HostWiring {
    /** @throws RuntimeException with a sentence a person understands, when the host cannot be readied */
    void prepare(UUID vmId, UUID hostId);

    HostWiring NONE = (vmId, hostId) -> {
    };
}
