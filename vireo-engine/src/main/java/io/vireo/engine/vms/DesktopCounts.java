package io.vireo.engine.vms;

/** A pool's desktops counted in one pass: all, free to give, given to users, running. */
public record DesktopCounts(int desktops, int free, int assigned, int running) {
    public static final DesktopCounts NONE = new DesktopCounts(0, 0, 0, 0);
}
