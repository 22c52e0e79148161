package io.vireo.model;

import java.time.Instant;

public record Disk(String id, String name, String storageDomainId, long sizeBytes, String format, DiskStatus status,
                   String path, String vmId, int bootOrder, Instant createdAt) {
    public record Create(String name, String storageDomainId, Long sizeBytes, String format) {
    }
}
