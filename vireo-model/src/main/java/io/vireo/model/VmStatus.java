package io.vireo.model;

/**
 * A VM's status as the engine shows it (observed, not desired). MIGRATING_FROM: a live migration
 * runs; the VM is on its source host (hostId) and moving to migratingToHostId.
 */
public enum VmStatus {
    DOWN, POWERING_UP, UP, POWERING_DOWN, REBOOT_IN_PROGRESS, PAUSED, MIGRATING_FROM, UNKNOWN;
}
