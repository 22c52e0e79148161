package io.vireo.model;

import java.time.Instant;

/** A file storage domain: a directory that every host of the data center sees at the same path. */
public record StorageDomain(String id, String name, String dataCenterId, String type, String path, Instant createdAt) {
    public record Create(String name, String dataCenterId, String type, String path) {
    }
}
