package io.vireo.engine.storage;

import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** A disk whose image is a thin overlay of another disk's image (a pool desktop's disk over its template's). */
/** @param backingFormat the recorded format of the backing image: qemu must never guess it from the image's content */
public record OverlayImage(UUID diskId, String name, String path, String backingPath, String backingFormat) {
    public OverlayImage {
        requireNonNull(diskId, "diskId");
        requireNonNull(path, "path");
        requireNonNull(backingPath, "backingPath");
        requireNonNull(backingFormat, "backingFormat");
    }
}
