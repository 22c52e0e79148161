package io.vireo.model.rpc;

import java.util.List;

/**
 * How a live migration runs and what to do when it does not converge.
 *
 * @param maxDowntimeMs the pause the guest may see at the switch-over (default 50)
 * @param bandwidthMiBps migration bandwidth limit, 0 for none
 * @param autoConverge let QEMU throttle a guest that dirties memory faster than it can be sent
 * @param postCopy switch to post-copy as the last resort instead of aborting
 * @param downtimeStepsMs when the migration stalls, raise the allowed downtime through these values, in order
 * @param stallSeconds seconds without progress (data remaining not shrinking) that count as a stall
 */
public record MigrationPolicy(
        int maxDowntimeMs,
        int bandwidthMiBps,
        boolean autoConverge,
        boolean postCopy,
        List<Integer> downtimeStepsMs,
        int stallSeconds) {
    public MigrationPolicy {
        downtimeStepsMs = downtimeStepsMs == null ? List.of() : List.copyOf(downtimeStepsMs);
    }

    public static MigrationPolicy defaults() {
        return new MigrationPolicy(50, 0, false, false, List.of(100, 200, 500, 1000), 10);
    }
}
