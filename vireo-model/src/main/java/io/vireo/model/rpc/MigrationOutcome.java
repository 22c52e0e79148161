package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a live migration ended, as the source host saw it. The wire names are lower case. */
public enum MigrationOutcome {
    @JsonProperty("completed") COMPLETED,
    @JsonProperty("cancelled") CANCELLED,
    @JsonProperty("failed") FAILED
}
