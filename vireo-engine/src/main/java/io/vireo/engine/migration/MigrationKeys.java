package io.vireo.engine.migration;

import io.vireo.engine.jobs.StateKey;

import java.util.UUID;

/**
 * Where a job records one VM's migration decision (source and destination, before acting on
 * them): plain keys for a job that moves one VM, keys per VM for a job that moves several.
 */
record MigrationKeys(StateKey<UUID> source, StateKey<UUID> destination) {
    static final MigrationKeys SINGLE = new MigrationKeys(StateKey.of("source", UUID.class),
            StateKey.of("destination", UUID.class));

    static MigrationKeys of(UUID vmId) {
        return new MigrationKeys(SINGLE.source().about(vmId), SINGLE.destination().about(vmId));
    }
}
