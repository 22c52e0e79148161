package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.MigrationPolicy;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The non-convergence policy of one live migration, fed with job samples and free of libvirt. A
 * migration stalls when the data still to send stops shrinking for the policy's stall period:
 * the guest dirties memory as fast as it can be sent. Then the allowed downtime goes up through
 * the policy's steps (a longer final pause lets QEMU send what remains in one go), each getting a
 * full stall period to work; after the last one comes post-copy if allowed, else an abort.
 * <p>
 * Data remaining falls within each pre-copy pass and jumps back at the next one by what was dirtied
 * meanwhile, so progress is a new low of it, not any fall. A new low must beat the old by a
 * hundredth, so that passes ending at about the same level (noise) do not count as progress, but
 * never by more than {@link #MAX_PROGRESS_STEP_BYTES}: a big guest on a slow link makes steady
 * progress in its first pass that is small against what remains.
 */
final class MigrationConvergence {
    static final long MAX_PROGRESS_STEP_BYTES = 16L << 20;

    enum Action {
        CONTINUE,
        RAISE_DOWNTIME,
        START_POST_COPY,
        ABORT
    }

    /** @param downtimeMs the new maximum downtime for RAISE_DOWNTIME; message says why for ABORT */
    record Decision(Action action, int downtimeMs, String message) {
        static final Decision CONTINUE = new Decision(Action.CONTINUE, 0, "");
    }

    private final long stallNanos;
    private final boolean postCopyAllowed;
    private final List<Integer> downtimeSteps;
    private int nextStep;
    private int maxDowntimeMs;
    private long lowestRemaining = -1;
    private long lowSinceNanos;
    private boolean settled;

    MigrationConvergence(MigrationPolicy policy) {
        requireNonNull(policy, "policy");
        this.stallNanos = Duration.ofSeconds(policy.stallSeconds()).toNanos();
        this.postCopyAllowed = policy.postCopy();
        this.downtimeSteps = policy.downtimeStepsMs();
        this.maxDowntimeMs = policy.maxDowntimeMs();
    }

    /** The maximum downtime as this policy has set it so far. */
    int maxDowntimeMs() {
        return maxDowntimeMs;
    }

    /**
     * What to do after a sample of the running job. A sample before the job reports any data (QEMU
     * still sets up) neither counts as progress nor starts the stall clock.
     */
    Decision next(long nowNanos, long dataRemainingBytes, long dataTotalBytes) {
        if (settled || dataTotalBytes <= 0 || dataRemainingBytes < 0) {
            return Decision.CONTINUE;
        }
        if (lowestRemaining < 0 || dataRemainingBytes < lowestRemaining - Math.min(lowestRemaining / 100, MAX_PROGRESS_STEP_BYTES)) {
            lowestRemaining = dataRemainingBytes;
            lowSinceNanos = nowNanos;
            return Decision.CONTINUE;
        }
        if (nowNanos - lowSinceNanos < stallNanos) {
            return Decision.CONTINUE;
        }
        // Each step gets a whole stall period of its own.
        lowSinceNanos = nowNanos;
        if (nextStep < downtimeSteps.size()) {
            maxDowntimeMs = downtimeSteps.get(nextStep++);
            return new Decision(Action.RAISE_DOWNTIME, maxDowntimeMs, "");
        }
        settled = true;
        if (postCopyAllowed) {
            return new Decision(Action.START_POST_COPY, maxDowntimeMs, "");
        }
        return new Decision(Action.ABORT, maxDowntimeMs, ("did not converge: %d MiB still to send, no progress for %d s at the last"
                + " maximum downtime step (%d ms), and the policy allows no post-copy")
                .formatted(dataRemainingBytes >> 20, stallNanos / 1_000_000_000L, maxDowntimeMs));
    }
}
