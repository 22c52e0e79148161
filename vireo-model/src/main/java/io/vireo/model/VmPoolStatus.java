package io.vireo.model;

/** A desktop pool's status: ACTIVE, or DELETING while its desktops are being removed (then the pool goes). */
public enum VmPoolStatus {
    ACTIVE, DELETING;
}
