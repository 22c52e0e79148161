package io.vireo.engine.scheduling;

import io.vireo.model.HostStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A host running more than the high VM count, and more than the spread threshold beyond the least
 * busy host, gives a VM to a host with at least two fewer (so the move narrows the spread rather
 * than swapping the roles of the two hosts).
 */
public final class VmCountSpreadRule implements BalancingRule {
    private static final Comparator<HostCandidate> BUSIEST_FIRST =
            Comparator.comparingInt(HostCandidate::runningVmCount).reversed();

    private final int highVmCount;
    private final int spreadThreshold;

    public VmCountSpreadRule(int highVmCount, int spreadThreshold) {
        this.highVmCount = highVmCount;
        this.spreadThreshold = spreadThreshold;
    }

    @Override
    public String name() {
        return "vm-count-spread";
    }

    @Override
    public Optional<ProposedMigration> next(BalancingRound round) {
        int least = leastVmCount(round);
        for (HostCandidate source : crowded(round, least)) {
            for (VmRequest vm : round.movableVmsOn(source.id())) {
                for (HostScore target : round.targets(vm)) {
                    if (round.snapshot().host(target.hostId()).runningVmCount() <= source.runningVmCount() - 2) {
                        return Optional.of(round.move(vm, target.hostId(), "host " + source.name() + " runs "
                                + source.runningVmCount() + " VMs, above the high VM count of " + highVmCount
                                + " and more than " + spreadThreshold + " beyond the least busy host (" + least + ")"));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private List<HostCandidate> crowded(BalancingRound round, int least) {
        List<HostCandidate> crowded = new ArrayList<>();
        for (HostCandidate host : round.snapshot().hosts()) {
            int count = host.runningVmCount();
            if (round.canGiveVms(host) && count > highVmCount && count - least > spreadThreshold) {
                crowded.add(host);
            }
        }
        crowded.sort(BUSIEST_FIRST);
        return crowded;
    }

    /** The fewest VMs a host that could take one runs; hosts that are down do not count. */
    private static int leastVmCount(BalancingRound round) {
        int least = Integer.MAX_VALUE;
        for (HostCandidate host : round.snapshot().hosts()) {
            if (host.status() == HostStatus.UP && host.connected() && !host.maintenance() && !round.emptying(host.id())) {
                least = Math.min(least, host.runningVmCount());
            }
        }
        return least;
    }
}
