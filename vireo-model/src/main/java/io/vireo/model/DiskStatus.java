package io.vireo.model;

/** A disk's status: LOCKED while its image is being made or removed, OK when usable, ILLEGAL when that failed. */
public enum DiskStatus {
    LOCKED, OK, ILLEGAL;
}
