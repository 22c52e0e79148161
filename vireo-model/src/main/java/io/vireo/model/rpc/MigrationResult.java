package io.vireo.model.rpc;

/**
 * How a migration ended, as the source host saw it.
 *
 * @param outcome "completed", "cancelled" or "failed"
 * @param downtimeMs the guest's measured pause at the switch-over, -1 when not known
 * @param totalMs from start to end of the migration
 * @param postCopy whether it finished in post-copy
 */
public record MigrationResult(
        String outcome,
        long downtimeMs,
        long totalMs,
        long dataTransferredBytes,
        boolean postCopy,
        String message) {
    public static final String COMPLETED = "completed";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";
}
