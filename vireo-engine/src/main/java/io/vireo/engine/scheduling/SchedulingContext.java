package io.vireo.engine.scheduling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * What the filters and weights share while one VM is placed: the snapshot, and the VM's affinity
 * groups sorted out once, so that each host costs a few lookups rather than a walk of the groups.
 */
public final class SchedulingContext {
    private final ClusterSnapshot snapshot;
    private final VmRequest vm;
    private final List<GroupPlacement> hardVmGroups = new ArrayList<>();
    private final List<GroupPlacement> softVmGroups = new ArrayList<>();
    private final List<AffinityGroup> hardHostGroups = new ArrayList<>();
    private final List<AffinityGroup> softHostGroups = new ArrayList<>();
    private final String cpuModelFlag;
    private Map<String, String> groupSentences;

    /**
     * A VM-to-VM group seen from the VM being placed.
     *
     * @param otherMembersByHost for each host running other members of the group, the name of one of
     *        them (the first by name), to say in a refusal who the VM would meet there
     */
    public record GroupPlacement(AffinityGroup group, Map<String, String> otherMembersByHost) {
    }

    public SchedulingContext(ClusterSnapshot snapshot, VmRequest vm) {
        this.snapshot = requireNonNull(snapshot, "snapshot");
        this.vm = requireNonNull(vm, "vm");
        this.cpuModelFlag = vm.cpuModel() == null ? null : CpuCompatibilityFilter.MODEL_PREFIX + vm.cpuModel();
        for (AffinityGroup group : snapshot.groupsOf(vm.id())) {
            if (group.kind() == AffinityGroup.Kind.VM_TO_VM) {
                (group.enforcing() ? hardVmGroups : softVmGroups).add(placement(group));
            } else {
                (group.enforcing() ? hardHostGroups : softHostGroups).add(group);
            }
        }
    }

    private GroupPlacement placement(AffinityGroup group) {
        Map<String, String> byHost = new HashMap<>();
        for (String memberId : group.vmIds()) {
            if (memberId.equals(vm.id())) {
                continue;
            }
            VmRequest member = snapshot.vm(memberId);
            if (member != null && member.running()) {
                byHost.merge(member.currentHostId(), member.name(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
        return new GroupPlacement(group, byHost);
    }

    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    public VmRequest vm() {
        return vm;
    }

    /** The host flag that says a host can present the VM's CPU model; null when the VM names none. */
    public String cpuModelFlag() {
        return cpuModelFlag;
    }

    public List<GroupPlacement> hardVmGroups() {
        return hardVmGroups;
    }

    public List<GroupPlacement> softVmGroups() {
        return softVmGroups;
    }

    public List<AffinityGroup> hardHostGroups() {
        return hardHostGroups;
    }

    public List<AffinityGroup> softHostGroups() {
        return softHostGroups;
    }

    /**
     * A refusal that reads the same on every host it refuses (such as "must run on h2 or h3"), made
     * once per decision: a group listing hundreds of hosts would otherwise cost a sort per host.
     */
    public String groupSentence(AffinityGroup group, Supplier<String> sentence) {
        if (groupSentences == null) {
            groupSentences = new HashMap<>();
        }
        return groupSentences.computeIfAbsent(group.id(), ignored -> sentence.get());
    }

    /** Guest memory the host may still take, within the cluster's overcommit; negative when overbooked. */
    public long freeMemoryMib(HostCandidate host) {
        return memoryCapacityMib(host) - host.memoryCommittedMib();
    }

    /** Guest memory the host may hold in all, within the cluster's overcommit. */
    public long memoryCapacityMib(HostCandidate host) {
        return host.memoryTotalMib() * snapshot.memoryOvercommitPercent() / 100;
    }
}
