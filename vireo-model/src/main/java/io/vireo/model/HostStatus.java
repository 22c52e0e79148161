package io.vireo.model;

/**
 * A host's status: Installing until its agent first connects, then Up, Connecting, NonResponsive;
 * NonOperational while its agent answers but cannot manage VMs (libvirt on the host does not answer:
 * its VMs are Unknown and nothing starts there); PreparingForMaintenance while its VMs are moved
 * away, then Maintenance (no VM may start there).
 */
public enum HostStatus {
    INSTALLING, UP, CONNECTING, NON_RESPONSIVE, NON_OPERATIONAL, PREPARING_FOR_MAINTENANCE, MAINTENANCE;
}
