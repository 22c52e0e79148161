package io.vireo.engine.scheduling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A host above the high CPU utilization gives VMs away, the busiest host first, to the best ranked
 * host that stays at or under the threshold once the VM's estimated load has joined it.
 */
public final class CpuOverloadRule implements BalancingRule {
    private final double highUtilizationPercent;

    public CpuOverloadRule(double highUtilizationPercent) {
        this.highUtilizationPercent = highUtilizationPercent;
    }

    @Override
    public String name() {
        return "cpu-overload";
    }

    @Override
    public Optional<ProposedMigration> next(BalancingRound round) {
        for (HostCandidate source : overloaded(round)) {
            for (VmRequest vm : round.movableVmsOn(source.id())) {
                List<HostScore> targets = round.targets(vm);
                if (!targets.isEmpty()) {
                    return Optional.of(round.move(vm, targets.getFirst().hostId(), String.format(Locale.ROOT,
                            "host %s runs at %.0f%% CPU, above the high utilization of %.0f%%",
                            source.name(), round.measured(source).cpuLoadPercent(), highUtilizationPercent)));
                }
            }
        }
        return Optional.empty();
    }

    private List<HostCandidate> overloaded(BalancingRound round) {
        List<HostCandidate> overloaded = new ArrayList<>();
        for (HostCandidate host : round.snapshot().hosts()) {
            if (round.canGiveVms(host) && host.cpuLoadPercent() > highUtilizationPercent) {
                overloaded.add(host);
            }
        }
        overloaded.sort(Comparator.comparingDouble(HostCandidate::cpuLoadPercent).reversed());
        return overloaded;
    }
}
