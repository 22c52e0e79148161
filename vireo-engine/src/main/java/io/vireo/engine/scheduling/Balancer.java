package io.vireo.engine.scheduling;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Proposes migrations that bring a cluster closer to its policy. Pure: it reads a snapshot and
 * returns moves; the caller starts them (or not) and takes a new snapshot next time.
 *
 * <p>Each move is planned on the cluster as the earlier moves of the same round leave it, every
 * target passes all the filters (so no hard rule ever breaks), and no VM moves twice in a round.
 */
public final class Balancer {
    private final Scheduler scheduler;

    public Balancer(Scheduler scheduler) {
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    /** Up to {@code maxMigrations} moves, the most pressing first (soft affinity repairs, then load). */
    public List<ProposedMigration> propose(ClusterSnapshot snapshot, int maxMigrations) {
        requireNonNull(snapshot, "snapshot");
        if (maxMigrations < 0) {
            throw new IllegalArgumentException("The number of migrations must not be negative, not " + maxMigrations);
        }
        BalancingRound round = new BalancingRound(snapshot, scheduler);
        List<ProposedMigration> proposals = new ArrayList<>();
        while (proposals.size() < maxMigrations) {
            Optional<ProposedMigration> next = next(round, snapshot.policy().balancingRules());
            if (next.isEmpty()) {
                break;
            }
            round.apply(next.get());
            proposals.add(next.get());
        }
        return proposals;
    }

    private static Optional<ProposedMigration> next(BalancingRound round, List<BalancingRule> rules) {
        for (BalancingRule rule : rules) {
            Optional<ProposedMigration> move = rule.next(round);
            if (move.isPresent()) {
                return move;
            }
        }
        return Optional.empty();
    }
}
