package io.vireo.model.rpc;

/** How disk.ensureDeleted ended: false when the image was gone already. */
public record DiskDeleteResult(boolean deleted) {
}
