package io.vireo.model.rpc;

/** How disk.ensureCreated ended; {@code created} is false when a matching image was there already. */
public record DiskCreateResult(String path, long actualSizeBytes, boolean created) {
}
