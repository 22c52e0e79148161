package io.vireo.engine.scheduling;

import io.vireo.model.HostStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Small synthetic clusters for the scheduler's tests. Ids are "id-" plus the name, so a test that
 * mixes ids and names up fails. Building a cluster adds each running VM's memory and count to its
 * host, on top of what the host was given.
 */
final class Clusters {
    static final String CLUSTER = "cluster-1";

    private Clusters() {
    }

    static String id(String name) {
        return "id-" + name;
    }

    static HostBuilder host(String name) {
        return new HostBuilder(name);
    }

    static VmBuilder vm(String name) {
        return new VmBuilder(name);
    }

    static ClusterBuilder cluster(String policy) {
        return new ClusterBuilder(policy);
    }

    static AffinityGroup vmGroup(String name, boolean positive, boolean enforcing, String... vmNames) {
        return new AffinityGroup(id(name), name, AffinityGroup.Kind.VM_TO_VM, positive, enforcing, ids(vmNames), Set.of());
    }

    static AffinityGroup hostGroup(String name, boolean positive, boolean enforcing, List<String> vmNames,
                                   List<String> hostNames) {
        return new AffinityGroup(id(name), name, AffinityGroup.Kind.VM_TO_HOST, positive, enforcing,
                ids(vmNames.toArray(String[]::new)), ids(hostNames.toArray(String[]::new)));
    }

    /** What the filter says about the host for the VM. */
    static Optional<String> reject(HostFilter filter, ClusterSnapshot snapshot, String hostName, VmRequest vm) {
        return filter.reject(snapshot.host(id(hostName)), vm, new SchedulingContext(snapshot, vm));
    }

    /** The snapshot's own record of a VM, by name. */
    static VmRequest vmOf(ClusterSnapshot snapshot, String vmName) {
        return snapshot.vm(id(vmName));
    }

    /** What the weight scores the host for the VM. */
    static double score(HostWeight weight, ClusterSnapshot snapshot, String hostName, VmRequest vm) {
        return weight.score(snapshot.host(id(hostName)), vm, new SchedulingContext(snapshot, vm));
    }

    static Set<String> ids(String... names) {
        return Set.copyOf(Arrays.stream(names).map(Clusters::id).toList());
    }

    static final class HostBuilder {
        private final String name;
        private String clusterId = CLUSTER;
        private HostStatus status = HostStatus.UP;
        private boolean connected = true;
        private boolean maintenance;
        private int cpus = 16;
        private Set<String> flags = Set.of("model_Haswell", "model_Nehalem", "sse4_2", "avx2");
        private long memoryMib = 65_536;
        private long committedMib;
        private double load = 10;
        private int vmCount;
        private Set<String> storage = Set.of("sd1");
        private Set<String> networks = Set.of("management");

        private HostBuilder(String name) {
            this.name = name;
        }

        HostBuilder cluster(String value) { clusterId = value; return this; }
        HostBuilder status(HostStatus value) { status = value; return this; }
        HostBuilder disconnected() { connected = false; return this; }
        HostBuilder maintenance() { maintenance = true; return this; }
        HostBuilder cpus(int value) { cpus = value; return this; }
        HostBuilder flags(String... value) { flags = Set.of(value); return this; }
        HostBuilder memory(long totalMib, long committed) { memoryMib = totalMib; committedMib = committed; return this; }
        HostBuilder load(double value) { load = value; return this; }
        HostBuilder vmCount(int value) { vmCount = value; return this; }
        HostBuilder storage(String... value) { storage = Set.of(value); return this; }
        HostBuilder networks(String... value) { networks = Set.of(value); return this; }

        HostCandidate build() {
            return new HostCandidate(id(name), name, clusterId, status, connected, maintenance, cpus, flags, memoryMib,
                    committedMib, load, vmCount, storage, networks);
        }
    }

    static final class VmBuilder {
        private final String name;
        private int vcpus = 2;
        private long memoryMib = 1024;
        private String cpuModel;
        private Set<String> flags = Set.of();
        private Set<String> storage = Set.of("sd1");
        private Set<String> networks = Set.of("management");
        private String hostId;
        private Set<String> preferred = Set.of();

        private VmBuilder(String name) {
            this.name = name;
        }

        VmBuilder vcpus(int value) { vcpus = value; return this; }
        VmBuilder memory(long value) { memoryMib = value; return this; }
        VmBuilder cpuModel(String value) { cpuModel = value; return this; }
        VmBuilder flags(String... value) { flags = Set.of(value); return this; }
        VmBuilder storage(String... value) { storage = Set.of(value); return this; }
        VmBuilder networks(String... value) { networks = Set.of(value); return this; }
        VmBuilder on(String hostName) { hostId = id(hostName); return this; }
        VmBuilder prefers(String... hostNames) { preferred = ids(hostNames); return this; }

        VmRequest build() {
            return new VmRequest(id(name), name, vcpus, memoryMib, cpuModel, flags, storage, networks, hostId, preferred);
        }
    }

    static final class ClusterBuilder {
        private final String policy;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final List<HostCandidate> hosts = new ArrayList<>();
        private final List<VmRequest> vms = new ArrayList<>();
        private final List<AffinityGroup> groups = new ArrayList<>();
        private int overcommit = 100;

        private ClusterBuilder(String policy) {
            this.policy = policy;
        }

        ClusterBuilder overcommit(int percent) { overcommit = percent; return this; }
        ClusterBuilder parameter(String name, String value) { parameters.put(name, value); return this; }

        ClusterBuilder hosts(HostBuilder... builders) {
            Arrays.stream(builders).map(HostBuilder::build).forEach(hosts::add);
            return this;
        }

        ClusterBuilder vms(VmBuilder... builders) {
            Arrays.stream(builders).map(VmBuilder::build).forEach(vms::add);
            return this;
        }

        ClusterBuilder groups(AffinityGroup... added) {
            groups.addAll(List.of(added));
            return this;
        }

        ClusterSnapshot build() {
            Map<String, long[]> placed = new HashMap<>();
            for (VmRequest vm : vms) {
                if (vm.running()) {
                    long[] sums = placed.computeIfAbsent(vm.currentHostId(), ignored -> new long[2]);
                    sums[0] += vm.memoryMib();
                    sums[1]++;
                }
            }
            List<HostCandidate> loaded = hosts.stream().map(host -> {
                long[] sums = placed.getOrDefault(host.id(), new long[2]);
                return host.withLoad(host.memoryCommittedMib() + sums[0], host.cpuLoadPercent(),
                        host.runningVmCount() + (int) sums[1]);
            }).toList();
            return new ClusterSnapshot(CLUSTER, overcommit, policy, parameters, loaded, vms, groups);
        }
    }
}
