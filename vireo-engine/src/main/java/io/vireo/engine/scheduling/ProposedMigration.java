package io.vireo.engine.scheduling;

import static java.util.Objects.requireNonNull;

/** A move the balancer suggests, with the sentence an event can carry. */
public record ProposedMigration(String vmId, String fromHostId, String toHostId, String reason) {
    public ProposedMigration {
        requireNonNull(vmId, "vmId");
        requireNonNull(fromHostId, "fromHostId");
        requireNonNull(toHostId, "toHostId");
        requireNonNull(reason, "reason");
    }
}
