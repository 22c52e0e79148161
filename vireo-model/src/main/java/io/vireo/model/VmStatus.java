package io.vireo.model;

/** A VM's status as the engine shows it (observed, not desired). */
public enum VmStatus {
    DOWN, POWERING_UP, UP, POWERING_DOWN, REBOOT_IN_PROGRESS, PAUSED, UNKNOWN;
}
