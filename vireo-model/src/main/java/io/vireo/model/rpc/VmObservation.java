package io.vireo.model.rpc;

import java.util.UUID;

/**
 * What a host reports about one VM it runs.
 *
 * @param state see {@link GuestState}
 * @param vncPort the port of the VM's display: its VNC server, or its SPICE server for a VM with SPICE
 *     graphics (the name stays for compatibility); -1 when it has no display, or no plain port (a SPICE
 *     display that takes TLS only)
 * @param displayTlsPort the TLS port of a SPICE display; -1 (or 0, from an agent that does not report it) when
 *     none: a VNC display's TLS is on its one port
 */
public record VmObservation(
        UUID id,
        String name,
        GuestState state,
        int vncPort,
        int displayTlsPort,
        long cpuTimeNanos,
        long memoryKib,
        int vcpus) {
}
