package io.vireo.model;

/** A host's status: Installing until its agent first connects, then Up, Connecting, NonResponsive. */
public enum HostStatus {
    INSTALLING, UP, CONNECTING, NON_RESPONSIVE, MAINTENANCE;
}
