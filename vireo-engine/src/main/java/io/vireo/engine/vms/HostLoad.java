package io.vireo.engine.vms;

/** What the VMs placed on one host take from it: memory in MiB and their number. */
public record HostLoad(long committedMib, int running) {
    public static final HostLoad NONE = new HostLoad(0, 0);
}
