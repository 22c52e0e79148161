package io.vireo.agent.hypervisor;

import io.vireo.agent.hypervisor.MigrationConvergence.Action;
import io.vireo.agent.hypervisor.MigrationConvergence.Decision;
import io.vireo.model.rpc.MigrationPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationConvergenceTest {
    private static final long MIB = 1 << 20;
    private static final long TOTAL = 1024 * MIB;
    private static final long SECOND = 1_000_000_000L;

    private static MigrationPolicy policy(boolean postCopy, List<Integer> steps) {
        return new MigrationPolicy(100, 0, false, postCopy, steps, 10);
    }

    @Test
    void aShrinkingMigrationIsLeftAlone() {
        MigrationConvergence convergence = new MigrationConvergence(policy(true, List.of(200)));

        List<Decision> decisions = new ArrayList<>();
        for (int second = 0; second <= 60; second++) {
            decisions.add(convergence.next(second * SECOND, TOTAL - second * 16 * MIB, TOTAL));
        }

        assertThat(decisions).extracting(Decision::action).containsOnly(Action.CONTINUE);
        assertThat(convergence.maxDowntimeMs()).isEqualTo(100);
    }

    @Test
    void aStallRaisesTheDowntimeThroughTheStepsThenAborts() {
        MigrationConvergence convergence = new MigrationConvergence(policy(false, List.of(200, 500)));

        List<Decision> decisions = stalled(convergence, 40);

        assertThat(actionsAt(decisions, 10, 20, 30)).containsExactly(Action.RAISE_DOWNTIME, Action.RAISE_DOWNTIME, Action.ABORT);
        assertThat(decisions.get(10).downtimeMs()).isEqualTo(200);
        assertThat(decisions.get(20).downtimeMs()).isEqualTo(500);
        assertThat(decisions.get(30).message())
                .startsWith("did not converge: 300 MiB still to send, no progress for 10 s")
                .contains("500 ms")
                .contains("no post-copy");
        assertThat(decisions).filteredOn(decision -> decision.action() != Action.CONTINUE).hasSize(3);
        assertThat(convergence.maxDowntimeMs()).isEqualTo(500);
    }

    @Test
    void afterTheLastStepComesPostCopyWhenAllowed() {
        MigrationConvergence convergence = new MigrationConvergence(policy(true, List.of(200)));

        List<Decision> decisions = stalled(convergence, 40);

        assertThat(actionsAt(decisions, 10, 20)).containsExactly(Action.RAISE_DOWNTIME, Action.START_POST_COPY);
        assertThat(decisions).filteredOn(decision -> decision.action() != Action.CONTINUE).hasSize(2);
    }

    @Test
    void withoutStepsAStallGoesStraightToTheLastResort() {
        MigrationConvergence convergence = new MigrationConvergence(policy(false, List.of()));

        List<Decision> decisions = stalled(convergence, 12);

        assertThat(decisions.get(10).action()).isEqualTo(Action.ABORT);
    }

    @Test
    void passesEndingAtTheSameLevelAreNoProgress() {
        // Each pass sends everything dirtied meanwhile and ends at about 300 MiB: within a hundredth is noise.
        MigrationConvergence convergence = new MigrationConvergence(policy(false, List.of()));
        List<Decision> decisions = new ArrayList<>();
        for (int second = 0; second <= 12; second++) {
            long remaining = second % 2 == 0 ? 600 * MIB : 300 * MIB - second * MIB / 10;
            decisions.add(convergence.next(second * SECOND, remaining, TOTAL));
        }

        assertThat(decisions.get(11).action()).isEqualTo(Action.ABORT);
    }

    @Test
    void aBigGuestOnASlowLinkProgressesThoughSlowlyAgainstWhatRemains() {
        // 64 GiB at 10 MiB/s: 100 MiB per stall period is far below a hundredth of what remains.
        MigrationConvergence convergence = new MigrationConvergence(policy(false, List.of()));
        long total = 64L << 30;

        for (int second = 0; second <= 600; second++) {
            assertThat(convergence.next(second * SECOND, total - second * 10 * MIB, total).action()).isEqualTo(Action.CONTINUE);
        }
    }

    @Test
    void aNewLowRestartsTheStallClock() {
        MigrationConvergence convergence = new MigrationConvergence(policy(false, List.of()));

        assertThat(convergence.next(0, 500 * MIB, TOTAL).action()).isEqualTo(Action.CONTINUE);
        assertThat(convergence.next(9 * SECOND, 500 * MIB, TOTAL).action()).isEqualTo(Action.CONTINUE);
        assertThat(convergence.next(9 * SECOND + 1, 400 * MIB, TOTAL).action()).isEqualTo(Action.CONTINUE);
        assertThat(convergence.next(18 * SECOND, 450 * MIB, TOTAL).action()).isEqualTo(Action.CONTINUE);
        assertThat(convergence.next(19 * SECOND + 1, 450 * MIB, TOTAL).action()).isEqualTo(Action.ABORT);
    }

    @Test
    void samplesBeforeQemuReportsDataDoNotStartTheClock() {
        MigrationConvergence convergence = new MigrationConvergence(policy(false, List.of()));

        for (int second = 0; second < 30; second++) {
            assertThat(convergence.next(second * SECOND, 0, 0).action()).isEqualTo(Action.CONTINUE);
        }
        assertThat(convergence.next(30 * SECOND, 500 * MIB, TOTAL).action()).isEqualTo(Action.CONTINUE);
        assertThat(convergence.next(39 * SECOND, 500 * MIB, TOTAL).action()).isEqualTo(Action.CONTINUE);
        assertThat(convergence.next(40 * SECOND, 500 * MIB, TOTAL).action()).isEqualTo(Action.ABORT);
    }

    /** Samples twice a second of a migration stuck at 300 MiB; index i is second i. */
    private static List<Decision> stalled(MigrationConvergence convergence, int seconds) {
        List<Decision> perSecond = new ArrayList<>();
        for (int second = 0; second <= seconds; second++) {
            perSecond.add(convergence.next(second * SECOND, 300 * MIB, TOTAL));
            Decision half = convergence.next(second * SECOND + SECOND / 2, 300 * MIB, TOTAL);
            assertThat(half.action()).isEqualTo(Action.CONTINUE);
        }
        return perSecond;
    }

    private static List<Action> actionsAt(List<Decision> decisions, int... seconds) {
        List<Action> actions = new ArrayList<>();
        for (int second : seconds) {
            actions.add(decisions.get(second).action());
        }
        return actions;
    }
}
