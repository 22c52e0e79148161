package io.vireo.model;

/**
 * A host's status: Installing until its agent first connects, then Up, Connecting, NonResponsive;
 * PreparingForMaintenance while its VMs are moved away, then Maintenance (no VM may start there).
 */
public enum HostStatus {
    INSTALLING, UP, CONNECTING, NON_RESPONSIVE, PREPARING_FOR_MAINTENANCE, MAINTENANCE;
}
