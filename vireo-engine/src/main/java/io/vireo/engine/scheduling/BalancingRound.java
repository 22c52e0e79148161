package io.vireo.engine.scheduling;

import io.vireo.model.HostStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The balancer's working picture of one round: the cluster as it will be once the moves planned
 * so far are done, the VMs already moved (each moves at most once a round) and the hosts being emptied
 * (which take no VMs).
 */
public final class BalancingRound {
    private static final Comparator<VmRequest> CHEAPEST_FIRST =
            Comparator.comparingLong(VmRequest::memoryMib).thenComparing(VmRequest::name);

    private final ClusterSnapshot measured;
    private final Scheduler scheduler;
    private final Set<String> movedVmIds = new HashSet<>();
    private final Set<String> emptyingHostIds = new HashSet<>();
    private ClusterSnapshot snapshot;

    BalancingRound(ClusterSnapshot snapshot, Scheduler scheduler) {
        this.snapshot = requireNonNull(snapshot, "snapshot");
        this.measured = snapshot;
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    /** The host as it was measured, before this round's planned moves: what a reason quotes. */
    public HostCandidate measured(HostCandidate host) {
        HostCandidate original = measured.host(host.id());
        return original == null ? host : original;
    }

    /** Whether VMs can migrate away from the host: its agent must answer, and maintenance evacuates on its own. */
    public boolean canGiveVms(HostCandidate host) {
        return host.status() == HostStatus.UP && host.connected() && !host.maintenance()
                && host.clusterId().equals(snapshot.clusterId());
    }

    public boolean moved(String vmId) {
        return movedVmIds.contains(vmId);
    }

    public boolean emptying(String hostId) {
        return emptyingHostIds.contains(hostId);
    }

    void markEmptying(String hostId) {
        emptyingHostIds.add(hostId);
    }

    /** The VMs on the host that may still move this round, cheapest to move (least memory) first. */
    public List<VmRequest> movableVmsOn(String hostId) {
        List<VmRequest> movable = new ArrayList<>();
        for (String vmId : snapshot.vmIdsOn(hostId)) {
            VmRequest vm = snapshot.vm(vmId);
            if (vm != null && !movedVmIds.contains(vmId)) {
                movable.add(vm);
            }
        }
        movable.sort(CHEAPEST_FIRST);
        return movable;
    }

    /**
     * The hosts the VM may move to, best first by the policy's weights: every filter accepts them,
     * they are not being emptied, and the move keeps their estimated CPU load within the policy's ceiling.
     */
    public List<HostScore> targets(VmRequest vm) {
        HostCandidate from = snapshot.host(vm.currentHostId());
        List<HostScore> targets = new ArrayList<>();
        for (HostScore score : scheduler.rank(snapshot, vm, emptyingHostIds)) {
            if (from == null || loadAfterMove(vm, from, snapshot.host(score.hostId()))
                    <= snapshot.policy().cpuCeilingPercent()) {
                targets.add(score);
            }
        }
        return targets;
    }

    /** Whether every filter accepts the host for the VM in the cluster as the round now sees it. */
    public boolean accepts(VmRequest vm, String hostId) {
        return scheduler.check(snapshot, vm, hostId).isEmpty();
    }

    /** The target's CPU load once the VM has moved there, as {@link LoadEstimate} reckons it. */
    public double loadAfterMove(VmRequest vm, HostCandidate from, HostCandidate to) {
        return loadAfterMove(snapshot, vm, from, to);
    }

    static double loadAfterMove(ClusterSnapshot snapshot, VmRequest vm, HostCandidate from, HostCandidate to) {
        return to.cpuLoadPercent() + LoadEstimate.onTarget(LoadEstimate.loadShare(snapshot, vm, from), from, to);
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** A proposal for the VM's move, in the round's own terms. */
    ProposedMigration move(VmRequest vm, String toHostId, String reason) {
        return new ProposedMigration(vm.id(), vm.currentHostId(), toHostId, reason);
    }

    void apply(ProposedMigration migration) {
        snapshot = snapshot.afterMigration(migration.vmId(), migration.toHostId());
        movedVmIds.add(migration.vmId());
    }
}
