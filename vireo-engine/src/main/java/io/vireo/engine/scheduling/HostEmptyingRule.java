package io.vireo.engine.scheduling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Power saving: a host below the low CPU utilization is emptied onto hosts that already run VMs,
 * so that it can be switched off. It starts only when every VM on it fits elsewhere (tried biggest
 * first, as packing goes), and it moves the smallest first, so a round cut short moves the cheap ones.
 */
public final class HostEmptyingRule implements BalancingRule {
    private static final Comparator<HostCandidate> FEWEST_VMS_FIRST = Comparator
            .comparingInt(HostCandidate::runningVmCount).thenComparingDouble(HostCandidate::cpuLoadPercent);

    private final double lowUtilizationPercent;

    public HostEmptyingRule(double lowUtilizationPercent) {
        this.lowUtilizationPercent = lowUtilizationPercent;
    }

    @Override
    public String name() {
        return "host-emptying";
    }

    @Override
    public Optional<ProposedMigration> next(BalancingRound round) {
        for (HostCandidate source : underused(round)) {
            Optional<ProposedMigration> move = firstMoveOfEvacuation(round, source);
            if (move.isPresent()) {
                round.markEmptying(source.id());
                return move;
            }
        }
        return Optional.empty();
    }

    /** Hosts worth emptying; those this round already started on come first, so they finish. */
    private List<HostCandidate> underused(BalancingRound round) {
        List<HostCandidate> started = new ArrayList<>();
        List<HostCandidate> others = new ArrayList<>();
        for (HostCandidate host : round.snapshot().hosts()) {
            if (round.canGiveVms(host) && host.runningVmCount() > 0 && host.cpuLoadPercent() < lowUtilizationPercent) {
                (round.emptying(host.id()) ? started : others).add(host);
            }
        }
        others.sort(FEWEST_VMS_FIRST);
        started.addAll(others);
        return started;
    }

    private Optional<ProposedMigration> firstMoveOfEvacuation(BalancingRound round, HostCandidate source) {
        ClusterSnapshot planned = round.snapshot();
        List<VmRequest> vms = round.movableVmsOn(source.id());
        if (vms.isEmpty() || vms.size() != planned.vmIdsOn(source.id()).size()) {
            return Optional.empty(); // a VM that arrived this round stays put, so the host cannot empty
        }
        Set<String> closed = closedHosts(round, source);
        String smallestTarget = null;
        for (VmRequest vm : vms.reversed()) {
            String target = target(round, planned, planned.vm(vm.id()), closed);
            if (target == null) {
                return Optional.empty();
            }
            planned = planned.afterMigration(vm.id(), target);
            smallestTarget = target;
        }
        return Optional.of(round.move(vms.getFirst(), smallestTarget, String.format(Locale.ROOT,
                "host %s runs at %.0f%% CPU, below the low utilization of %.0f%%: power saving empties it",
                source.name(), round.measured(source).cpuLoadPercent(), lowUtilizationPercent)));
    }

    /** The source, the hosts being emptied and the empty hosts (waking one would save nothing). */
    private static Set<String> closedHosts(BalancingRound round, HostCandidate source) {
        Set<String> closed = new HashSet<>();
        closed.add(source.id());
        for (HostCandidate host : round.snapshot().hosts()) {
            if (host.runningVmCount() == 0 || round.emptying(host.id())) {
                closed.add(host.id());
            }
        }
        return closed;
    }

    private static String target(BalancingRound round, ClusterSnapshot planned, VmRequest vm, Set<String> closed) {
        HostCandidate from = planned.host(vm.currentHostId());
        double ceiling = planned.policy().cpuCeilingPercent();
        for (HostScore score : round.scheduler().rank(planned, vm, closed)) {
            if (BalancingRound.loadAfterMove(planned, vm, from, planned.host(score.hostId())) <= ceiling) {
                return score.hostId();
            }
        }
        return null;
    }
}
