package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a live migration is: starting, copying memory before the switch-over, after it, being cancelled, and in
 * the last report how it ended.
 */
public enum MigrationPhase {
    @JsonProperty("starting") STARTING,
    @JsonProperty("precopy") PRECOPY,
    @JsonProperty("postcopy") POSTCOPY,
    @JsonProperty("cancelling") CANCELLING,
    @JsonProperty("completed") COMPLETED,
    @JsonProperty("cancelled") CANCELLED,
    @JsonProperty("failed") FAILED;

    /** The phase of the last report of a migration that ended so. */
    public static MigrationPhase ended(MigrationOutcome outcome) {
        return switch (outcome) {
            case COMPLETED -> COMPLETED;
            case CANCELLED -> CANCELLED;
            case FAILED -> FAILED;
        };
    }

    /** The wire name, for messages. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
