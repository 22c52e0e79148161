package io.vireo.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.rpc.MigrationPolicy;

import java.time.Instant;

/**
 * @param memoryOvercommitPercent how much guest memory the scheduler may place per 100 of host memory
 * @param migrationPolicy how live migrations in this cluster run (VMs may override fields)
 * @param maxOutgoingMigrations concurrent migrations out of one host
 * @param maxIncomingMigrations concurrent migrations into one host
 * @param schedulingPolicy none, evenly_distributed, power_saving or vm_evenly_distributed
 */
public record Cluster(String id, String name, String dataCenterId, String description, int memoryOvercommitPercent,
                      MigrationPolicy migrationPolicy, int maxOutgoingMigrations, int maxIncomingMigrations,
                      String schedulingPolicy, JsonNode schedulingParameters, Instant createdAt) {
    public record Create(String name, String dataCenterId, String description, Integer memoryOvercommitPercent) {
    }

    /** Body of PUT /api/clusters/{id}: fields left out keep their value. */
    public record Update(String description, Integer memoryOvercommitPercent, MigrationPolicyOverride migrationPolicy,
                         Integer maxOutgoingMigrations, Integer maxIncomingMigrations, String schedulingPolicy,
                         JsonNode schedulingParameters) {
    }
}
