package io.vireo.model.rpc;

/**
 * What a host reports about one VM it runs.
 *
 * @param state one of running, paused, shutting_down, shutoff, crashed, migrated (gone from this host
 *     because a live migration moved it to another: not a crash, the destination reports it from now on)
 * @param vncPort the port of the VM's display: its VNC server, or its SPICE server for a VM with SPICE
 *     graphics (the name stays for compatibility); -1 when it has no display
 */
public record VmObservation(
        String id,
        String name,
        String state,
        int vncPort,
        long cpuTimeNanos,
        long memoryKib,
        int vcpus) {
    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String SHUTTING_DOWN = "shutting_down";
    public static final String SHUTOFF = "shutoff";
    public static final String CRASHED = "crashed";
    public static final String MIGRATED = "migrated";
}
