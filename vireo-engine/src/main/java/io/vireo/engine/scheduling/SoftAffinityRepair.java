package io.vireo.engine.scheduling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Moves a VM that breaks a soft affinity group to a host where it keeps it, when a host passes
 * every filter: a positive VM-to-VM member joins the host running most of its group, a negative one
 * leaves a host it shares with another member, a VM-to-host member goes onto (or off) the listed hosts.
 * Groups are repaired in name order, the cheapest VM first.
 */
public final class SoftAffinityRepair implements BalancingRule {
    private static final Comparator<VmRequest> CHEAPEST_FIRST =
            Comparator.comparingLong(VmRequest::memoryMib).thenComparing(VmRequest::name);

    @Override
    public String name() {
        return "soft-affinity-repair";
    }

    @Override
    public Optional<ProposedMigration> next(BalancingRound round) {
        List<AffinityGroup> groups = new ArrayList<>(round.snapshot().affinityGroups());
        groups.sort(Comparator.comparing(AffinityGroup::name));
        for (AffinityGroup group : groups) {
            if (group.enforcing()) {
                continue;
            }
            Optional<ProposedMigration> move = group.kind() == AffinityGroup.Kind.VM_TO_VM
                    ? (group.positive() ? gather(round, group) : separate(round, group))
                    : toListedHosts(round, group);
            if (move.isPresent()) {
                return move;
            }
        }
        return Optional.empty();
    }

    private static Optional<ProposedMigration> gather(BalancingRound round, AffinityGroup group) {
        Map<String, List<VmRequest>> byHost = membersByHost(round, group);
        if (byHost.size() < 2) {
            return Optional.empty();
        }
        int most = byHost.values().stream().mapToInt(List::size).max().orElse(0);
        List<String> meetingHosts = byHost.entrySet().stream().filter(entry -> entry.getValue().size() == most)
                .map(Map.Entry::getKey).sorted(Comparator.comparing(round.snapshot()::hostName)).toList();
        // Only the hosts with the most members gather the group, so two rounds never pull opposite ways.
        for (String meeting : meetingHosts) {
            for (VmRequest vm : movable(round, group, vm -> !meeting.equals(vm.currentHostId()))) {
                if (acceptsWithinCeiling(round, vm, meeting)) {
                    return Optional.of(round.move(vm, meeting, "VM " + vm.name() + " joins its affinity group "
                            + group.name() + " on host " + round.snapshot().hostName(meeting)));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<ProposedMigration> separate(BalancingRound round, AffinityGroup group) {
        Map<String, List<VmRequest>> byHost = membersByHost(round, group);
        for (VmRequest vm : movable(round, group, vm -> byHost.get(vm.currentHostId()).size() > 1)) {
            for (HostScore target : round.targets(vm)) {
                if (!byHost.containsKey(target.hostId())) {
                    return Optional.of(round.move(vm, target.hostId(), "VM " + vm.name() + " shares host "
                            + round.snapshot().hostName(vm.currentHostId()) + " with another member of affinity group "
                            + group.name() + ", which keeps its VMs apart"));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<ProposedMigration> toListedHosts(BalancingRound round, AffinityGroup group) {
        Predicate<String> keeps = hostId -> group.hostIds().contains(hostId) == group.positive();
        for (VmRequest vm : movable(round, group, vm -> !keeps.test(vm.currentHostId()))) {
            for (HostScore target : round.targets(vm)) {
                if (keeps.test(target.hostId())) {
                    return Optional.of(round.move(vm, target.hostId(), "VM " + vm.name() + " runs "
                            + (group.positive() ? "off" : "on") + " the hosts of affinity group " + group.name()));
                }
            }
        }
        return Optional.empty();
    }

    /** The group's running members, by host. */
    private static Map<String, List<VmRequest>> membersByHost(BalancingRound round, AffinityGroup group) {
        Map<String, List<VmRequest>> byHost = new HashMap<>();
        for (String vmId : group.vmIds()) {
            VmRequest vm = round.snapshot().vm(vmId);
            if (vm != null && vm.running()) {
                byHost.computeIfAbsent(vm.currentHostId(), ignored -> new ArrayList<>()).add(vm);
            }
        }
        return byHost;
    }

    /** Running members that break the group, have not moved this round and sit on a host they can leave. */
    private static List<VmRequest> movable(BalancingRound round, AffinityGroup group, Predicate<VmRequest> breaking) {
        List<VmRequest> movable = new ArrayList<>();
        for (String vmId : group.vmIds()) {
            VmRequest vm = round.snapshot().vm(vmId);
            if (vm == null || !vm.running() || round.moved(vmId) || !breaking.test(vm)) {
                continue;
            }
            HostCandidate host = round.snapshot().host(vm.currentHostId());
            if (host != null && round.canGiveVms(host)) {
                movable.add(vm);
            }
        }
        movable.sort(CHEAPEST_FIRST);
        return movable;
    }

    private static boolean acceptsWithinCeiling(BalancingRound round, VmRequest vm, String hostId) {
        if (round.emptying(hostId) || !round.accepts(vm, hostId)) {
            return false;
        }
        ClusterSnapshot snapshot = round.snapshot();
        return round.loadAfterMove(vm, snapshot.host(vm.currentHostId()), snapshot.host(hostId))
                <= snapshot.policy().cpuCeilingPercent();
    }
}
