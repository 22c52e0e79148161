package io.vireo.model;

import java.time.Instant;

/** @param memoryOvercommitPercent how much guest memory the scheduler may place per 100 of host memory */
public record Cluster(String id, String name, String dataCenterId, String description, int memoryOvercommitPercent,
                      Instant createdAt) {
    public record Create(String name, String dataCenterId, String description, Integer memoryOvercommitPercent) {
    }
}
