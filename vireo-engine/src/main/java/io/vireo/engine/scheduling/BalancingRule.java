package io.vireo.engine.scheduling;

import java.util.Optional;

/**
 * One reason to move a VM. The balancer asks a policy's rules in order for the next move, applies it
 * to its picture of the cluster and asks again, so a rule only ever finds one move at a time.
 */
public interface BalancingRule {
    String name();

    /** The next move this rule wants in the cluster as the round now sees it; empty when none. */
    Optional<ProposedMigration> next(BalancingRound round);
}
