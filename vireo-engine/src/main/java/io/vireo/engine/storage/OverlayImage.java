package io.vireo.engine.storage;

import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** A disk whose image is a thin overlay of another disk's image (a pool desktop's disk over its template's). */
public record OverlayImage(UUID diskId, String name, String path, String backingPath) {
    public OverlayImage {
        requireNonNull(diskId, "diskId");
        requireNonNull(path, "path");
        requireNonNull(backingPath, "backingPath");
    }
}
