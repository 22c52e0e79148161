package io.vireo.model;

import java.time.Instant;

/** @param status LOCKED while its image is being made or removed, OK when usable, ILLEGAL when that failed */
public record Disk(String id, String name, String storageDomainId, long sizeBytes, String format, String status,
                   String path, String vmId, int bootOrder, Instant createdAt) {
    public record Create(String name, String storageDomainId, Long sizeBytes, String format) {
    }
}
