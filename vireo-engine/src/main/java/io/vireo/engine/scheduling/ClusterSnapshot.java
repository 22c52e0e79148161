package io.vireo.engine.scheduling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One cluster as the scheduler sees it: its rules, hosts, VMs and affinity groups.
 *
 * <p>A class rather than a record because it carries indexes built once per snapshot (host by id,
 * VM by id, VMs by host, affinity groups by VM): a decision on thousands of hosts looks them up
 * instead of scanning. It is immutable; {@link #afterMigration} gives a new snapshot that shares
 * what did not change, which is what the balancer needs to plan several moves in a row.
 */
public final class ClusterSnapshot {
    private final String clusterId;
    private final int memoryOvercommitPercent;
    private final Map<String, String> policyParameters;
    private final SchedulingPolicy policy;
    private final HostCandidate[] hosts;
    private final Map<String, Integer> hostIndex;
    private final VmRequest[] vms;
    private final Map<String, Integer> vmIndex;
    private final Map<String, List<String>> vmIdsByHost;
    private final Map<String, List<AffinityGroup>> groupsByVm;
    private final List<AffinityGroup> affinityGroups;
    private final int maxRunningVmCount;

    /**
     * @param memoryOvercommitPercent guest memory the scheduler may place per 100 MiB of host memory
     * @param policyName one of {@link SchedulingPolicy#NAMES}
     * @param policyParameters the policy's parameters as text; missing ones take their defaults
     * @throws IllegalArgumentException when the policy, its parameters or the inventory are invalid
     */
    public ClusterSnapshot(String clusterId, int memoryOvercommitPercent, String policyName,
                           Map<String, String> policyParameters, List<HostCandidate> hosts, List<VmRequest> vms,
                           List<AffinityGroup> affinityGroups) {
        this.clusterId = requireNonNull(clusterId, "clusterId");
        if (memoryOvercommitPercent <= 0) {
            throw new IllegalArgumentException("The memory overcommit must be a positive percentage, not "
                    + memoryOvercommitPercent);
        }
        this.memoryOvercommitPercent = memoryOvercommitPercent;
        this.policyParameters = Map.copyOf(policyParameters);
        this.policy = SchedulingPolicy.of(policyName, this.policyParameters);
        this.hosts = hosts.toArray(HostCandidate[]::new);
        Arrays.sort(this.hosts, Comparator.comparing(HostCandidate::name).thenComparing(HostCandidate::id));
        this.hostIndex = indexHosts(this.hosts);
        this.vms = vms.toArray(VmRequest[]::new);
        this.vmIndex = indexVms(this.vms);
        this.vmIdsByHost = vmIdsByHost(this.vms);
        this.affinityGroups = List.copyOf(affinityGroups);
        this.groupsByVm = groupsByVm(this.affinityGroups);
        this.maxRunningVmCount = maxRunningVmCount(this.hosts);
    }

    private ClusterSnapshot(ClusterSnapshot base, HostCandidate[] hosts, VmRequest[] vms,
                            Map<String, List<String>> vmIdsByHost) {
        this.clusterId = base.clusterId;
        this.memoryOvercommitPercent = base.memoryOvercommitPercent;
        this.policyParameters = base.policyParameters;
        this.policy = base.policy;
        this.hosts = hosts;
        this.hostIndex = base.hostIndex;
        this.vms = vms;
        this.vmIndex = base.vmIndex;
        this.vmIdsByHost = vmIdsByHost;
        this.affinityGroups = base.affinityGroups;
        this.groupsByVm = base.groupsByVm;
        this.maxRunningVmCount = maxRunningVmCount(hosts);
    }

    private static Map<String, Integer> indexHosts(HostCandidate[] hosts) {
        Map<String, Integer> index = HashMap.newHashMap(hosts.length);
        for (int i = 0; i < hosts.length; i++) {
            if (index.put(hosts[i].id(), i) != null) {
                throw new IllegalArgumentException("Host " + hosts[i].id() + " appears twice in the snapshot");
            }
        }
        return index;
    }

    private static Map<String, Integer> indexVms(VmRequest[] vms) {
        Map<String, Integer> index = HashMap.newHashMap(vms.length);
        for (int i = 0; i < vms.length; i++) {
            if (index.put(vms[i].id(), i) != null) {
                throw new IllegalArgumentException("VM " + vms[i].id() + " appears twice in the snapshot");
            }
        }
        return index;
    }

    private static Map<String, List<String>> vmIdsByHost(VmRequest[] vms) {
        Map<String, List<String>> byHost = new HashMap<>();
        for (VmRequest vm : vms) {
            if (vm.running()) {
                byHost.computeIfAbsent(vm.currentHostId(), ignored -> new ArrayList<>()).add(vm.id());
            }
        }
        byHost.replaceAll((host, ids) -> List.copyOf(ids));
        return byHost;
    }

    private static Map<String, List<AffinityGroup>> groupsByVm(List<AffinityGroup> groups) {
        Map<String, List<AffinityGroup>> byVm = new HashMap<>();
        for (AffinityGroup group : groups) {
            for (String vmId : group.vmIds()) {
                byVm.computeIfAbsent(vmId, ignored -> new ArrayList<>()).add(group);
            }
        }
        byVm.replaceAll((vm, list) -> List.copyOf(list));
        return byVm;
    }

    private static int maxRunningVmCount(HostCandidate[] hosts) {
        int max = 0;
        for (HostCandidate host : hosts) {
            max = Math.max(max, host.runningVmCount());
        }
        return max;
    }

    public String clusterId() {
        return clusterId;
    }

    public int memoryOvercommitPercent() {
        return memoryOvercommitPercent;
    }

    public String policyName() {
        return policy.name();
    }

    public Map<String, String> policyParameters() {
        return policyParameters;
    }

    public SchedulingPolicy policy() {
        return policy;
    }

    /** The hosts, ordered by name. */
    public List<HostCandidate> hosts() {
        return Collections.unmodifiableList(Arrays.asList(hosts));
    }

    public List<VmRequest> vms() {
        return Collections.unmodifiableList(Arrays.asList(vms));
    }

    public List<AffinityGroup> affinityGroups() {
        return affinityGroups;
    }

    /** The host with this id, or null when the snapshot has none. */
    public HostCandidate host(String hostId) {
        Integer index = hostIndex.get(hostId);
        return index == null ? null : hosts[index];
    }

    /** The VM with this id, or null when the snapshot has none. */
    public VmRequest vm(String vmId) {
        Integer index = vmIndex.get(vmId);
        return index == null ? null : vms[index];
    }

    /** The name of a host for a sentence; its id when the snapshot does not know it. */
    public String hostName(String hostId) {
        HostCandidate host = host(hostId);
        return host == null ? hostId : host.name();
    }

    /** The ids of the VMs running on a host. */
    public List<String> vmIdsOn(String hostId) {
        return vmIdsByHost.getOrDefault(hostId, List.of());
    }

    /** The affinity groups a VM belongs to. */
    public List<AffinityGroup> groupsOf(String vmId) {
        return groupsByVm.getOrDefault(vmId, List.of());
    }

    /** The most VMs any host runs; the VM count weight measures hosts against it. */
    public int maxRunningVmCount() {
        return maxRunningVmCount;
    }

    HostCandidate[] hostArray() {
        return hosts;
    }

    /**
     * The cluster as it would be once a running VM has moved: its memory and its share of the CPU
     * load go with it (see {@link LoadEstimate}). The VM and both hosts must be in the snapshot.
     */
    public ClusterSnapshot afterMigration(String vmId, String toHostId) {
        VmRequest vm = requireNonNull(vm(vmId), () -> "no VM " + vmId + " in the snapshot");
        HostCandidate from = requireNonNull(host(vm.currentHostId()), () -> "VM " + vm.name() + " runs on no known host");
        HostCandidate to = requireNonNull(host(toHostId), () -> "no host " + toHostId + " in the snapshot");
        double share = LoadEstimate.loadShare(this, vm, from);
        HostCandidate[] movedHosts = hosts.clone();
        movedHosts[hostIndex.get(from.id())] = from.withLoad(from.memoryCommittedMib() - vm.memoryMib(),
                Math.max(0, from.cpuLoadPercent() - share), from.runningVmCount() - 1);
        movedHosts[hostIndex.get(to.id())] = to.withLoad(to.memoryCommittedMib() + vm.memoryMib(),
                Math.min(100, to.cpuLoadPercent() + LoadEstimate.onTarget(share, from, to)), to.runningVmCount() + 1);
        VmRequest[] movedVms = vms.clone();
        movedVms[vmIndex.get(vmId)] = vm.onHost(toHostId);
        Map<String, List<String>> byHost = new HashMap<>(vmIdsByHost);
        List<String> left = new ArrayList<>(vmIdsOn(from.id()));
        left.remove(vmId);
        List<String> joined = new ArrayList<>(vmIdsOn(toHostId));
        joined.add(vmId);
        byHost.put(from.id(), List.copyOf(left));
        byHost.put(toHostId, List.copyOf(joined));
        return new ClusterSnapshot(this, movedHosts, movedVms, byHost);
    }
}
