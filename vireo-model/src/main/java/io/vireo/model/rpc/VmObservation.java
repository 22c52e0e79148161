package io.vireo.model.rpc;

import java.util.UUID;

/**
 * What a host reports about one VM it runs.
 *
 * @param state see {@link GuestState}
 * @param vncPort the port of the VM's display: its VNC server, or its SPICE server for a VM with SPICE
 *     graphics (the name stays for compatibility); -1 when it has no display
 */
public record VmObservation(
        UUID id,
        String name,
        GuestState state,
        int vncPort,
        long cpuTimeNanos,
        long memoryKib,
        int vcpus) {
}
