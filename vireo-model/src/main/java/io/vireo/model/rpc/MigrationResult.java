package io.vireo.model.rpc;

/**
 * How a migration ended, as the source host saw it.
 *
 * @param downtimeMs the guest's measured pause at the switch-over, -1 when not known
 * @param totalMs from start to end of the migration
 * @param postCopy whether it finished in post-copy
 */
public record MigrationResult(
        MigrationOutcome outcome,
        long downtimeMs,
        long totalMs,
        long dataTransferredBytes,
        boolean postCopy,
        String message) {
}
