package io.vireo.model.rpc;

import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** A disk as the agent attaches it: an image path on the host, its format and the guest device name. */
public record DiskAttachment(UUID diskId, String path, String format, String target, int bootOrder) {
    public DiskAttachment {
        requireNonNull(diskId, "diskId");
        requireNonNull(path, "path");
        requireNonNull(format, "format");
        requireNonNull(target, "target");
    }
}
