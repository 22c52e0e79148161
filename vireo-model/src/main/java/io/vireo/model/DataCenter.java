package io.vireo.model;

import java.time.Instant;

public record DataCenter(String id, String name, String description, Instant createdAt) {
    /** Body of POST /api/datacenters. */
    public record Create(String name, String description) {
    }
}
