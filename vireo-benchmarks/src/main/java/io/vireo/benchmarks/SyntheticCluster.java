package io.vireo.benchmarks;

import io.vireo.engine.scheduling.AffinityGroup;
import io.vireo.engine.scheduling.ClusterSnapshot;
import io.vireo.engine.scheduling.HostCandidate;
import io.vireo.engine.scheduling.VmRequest;
import io.vireo.model.HostStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A large cluster that looks like a real one, the same every time for a seed: three CPU generations
 * with their memory sizes, racks with their own storage and tenant networks, a few hosts down or in
 * maintenance, VMs from 2 to 64 GiB packed harder onto some hosts (which fill up) than others, and
 * affinity groups of every kind, hard and soft, some of which include VMs that are down.
 */
public final class SyntheticCluster {
    static final int OVERCOMMIT_PERCENT = 120;
    private static final int HOSTS_PER_RACK = 100;
    private static final int[] MEMORY_GIB = {2, 4, 8, 16, 32, 64};
    private static final double[] MEMORY_SHARE = {0.20, 0.30, 0.25, 0.15, 0.07, 0.03};
    private static final List<Set<String>> GENERATION_FLAGS = List.of(
            Set.of("model_Nehalem", "model_Westmere", "sse4_2", "aes", "popcnt"),
            Set.of("model_Nehalem", "model_Westmere", "model_SandyBridge", "model_Haswell", "sse4_2", "aes", "popcnt",
                    "avx", "avx2", "fma"),
            Set.of("model_Nehalem", "model_Westmere", "model_SandyBridge", "model_Haswell", "model_Skylake-Server",
                    "model_Cascadelake-Server", "sse4_2", "aes", "popcnt", "avx", "avx2", "fma", "avx512f", "avx512bw"));

    private final Random random;
    private final List<HostCandidate> hosts = new ArrayList<>();
    private final List<VmRequest> vms = new ArrayList<>();
    private final List<AffinityGroup> groups = new ArrayList<>();
    private final Map<String, List<VmRequest>> vmsByHost = new HashMap<>();
    private final List<VmRequest> downVms = new ArrayList<>();

    /** The snapshot, and the VMs a benchmark asks about. */
    public record Built(ClusterSnapshot snapshot, List<VmRequest> downVms, List<VmRequest> groupedRunningVms) {
    }

    private SyntheticCluster(long seed) {
        this.random = new Random(seed);
    }

    public static Built build(String policy, int hostCount, int vmCount, int groupCount, long seed) {
        SyntheticCluster cluster = new SyntheticCluster(seed);
        cluster.addHosts(hostCount);
        cluster.addVms(vmCount);
        cluster.addGroups(groupCount);
        List<HostCandidate> loaded = cluster.loadedHosts();
        ClusterSnapshot snapshot = new ClusterSnapshot("cluster-1", OVERCOMMIT_PERCENT, policy, Map.of(), loaded,
                cluster.vms, cluster.groups);
        return new Built(snapshot, List.copyOf(cluster.downVms), cluster.groupedRunningVms(snapshot));
    }

    private void addHosts(int count) {
        for (int i = 0; i < count; i++) {
            int rack = i / HOSTS_PER_RACK;
            double draw = random.nextDouble();
            int generation = draw < 0.2 ? 0 : draw < 0.7 ? 1 : 2;
            int cpus = new int[][] {{24, 32}, {48, 64}, {96, 128}}[generation][random.nextInt(2)];
            long memoryGib = new long[][] {{192, 256}, {384, 512}, {768, 1024}}[generation][random.nextInt(2)];
            HostStatus status = status();
            boolean connected = status == HostStatus.UP ? random.nextDouble() > 0.005 : status == HostStatus.MAINTENANCE;
            boolean maintenance = status == HostStatus.UP && random.nextDouble() < 0.01;
            Set<String> storage = Set.of("sd-shared-1", "sd-shared-2", "sd-rack-" + rack + "-a", "sd-rack-" + rack + "-b");
            Set<String> networks = random.nextDouble() < 0.8
                    ? Set.of("management", "storage", "tenant-" + rack % 5, "backup")
                    : Set.of("management", "storage", "tenant-" + rack % 5);
            hosts.add(new HostCandidate(String.format("host-id-%05d", i), String.format("host-%05d", i), "cluster-1", status,
                    connected, maintenance, cpus, GENERATION_FLAGS.get(generation), memoryGib * 1024, 0, 0, 0, storage,
                    networks));
        }
    }

    private HostStatus status() {
        double draw = random.nextDouble();
        return draw < 0.02 ? HostStatus.NON_RESPONSIVE : draw < 0.03 ? HostStatus.CONNECTING
                : draw < 0.045 ? HostStatus.MAINTENANCE : draw < 0.05 ? HostStatus.INSTALLING : HostStatus.UP;
    }

    private void addVms(int count) {
        List<HostCandidate> usable = hosts.stream().filter(h -> h.status() == HostStatus.UP && h.connected()).toList();
        // A sixth of the hosts draw four times the VMs: they fill up, as the oldest, cheapest racks do.
        boolean[] hot = new boolean[usable.size()];
        for (int i = 0; i < hot.length; i++) {
            hot[i] = random.nextDouble() < 0.16;
        }
        Map<String, Long> committed = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long memoryMib = memoryGib() * 1024;
            int vcpus = (int) Math.clamp(memoryMib / 2048 + random.nextInt(3), 1, 16);
            String model = cpuModel();
            Set<String> flags = random.nextDouble() < 0.1 ? Set.of("aes") : random.nextDouble() < 0.05 ? Set.of("avx2") : Set.of();
            String name = String.format("vm-%06d", i);
            HostCandidate host = random.nextDouble() < 0.04 ? null : place(usable, hot, committed, memoryMib, model, flags);
            VmRequest vm = host == null ? downVm(name, vcpus, memoryMib, model, flags)
                    : runningVm(name, vcpus, memoryMib, model, flags, host);
            vms.add(vm);
            if (host != null) {
                committed.merge(host.id(), memoryMib, Long::sum);
                vmsByHost.computeIfAbsent(host.id(), ignored -> new ArrayList<>()).add(vm);
            } else {
                downVms.add(vm);
            }
        }
    }

    private long memoryGib() {
        double draw = random.nextDouble();
        for (int i = 0; i < MEMORY_GIB.length; i++) {
            draw -= MEMORY_SHARE[i];
            if (draw < 0) {
                return MEMORY_GIB[i];
            }
        }
        return MEMORY_GIB[0];
    }

    private String cpuModel() {
        double draw = random.nextDouble();
        return draw < 0.7 ? null : draw < 0.9 ? "Nehalem" : draw < 0.98 ? "Haswell" : "Skylake-Server";
    }

    private HostCandidate place(List<HostCandidate> usable, boolean[] hot, Map<String, Long> committed, long memoryMib,
                                String model, Set<String> flags) {
        for (int attempt = 0; attempt < 20; attempt++) {
            int index = random.nextInt(usable.size());
            if (!hot[index] && random.nextInt(4) != 0) {
                continue;
            }
            HostCandidate host = usable.get(index);
            boolean fits = committed.getOrDefault(host.id(), 0L) + memoryMib
                    <= host.memoryTotalMib() * OVERCOMMIT_PERCENT / 100;
            boolean compatible = (model == null || host.cpuFlags().contains("model_" + model))
                    && host.cpuFlags().containsAll(flags);
            if (fits && compatible) {
                return host;
            }
        }
        return null;
    }

    private VmRequest runningVm(String name, int vcpus, long memoryMib, String model, Set<String> flags, HostCandidate host) {
        List<String> domains = List.copyOf(host.storageDomainIds());
        Set<String> disks = new LinkedHashSet<>();
        disks.add(domains.get(random.nextInt(domains.size())));
        if (random.nextDouble() < 0.3) {
            disks.add(domains.get(random.nextInt(domains.size())));
        }
        Set<String> networks = random.nextDouble() < 0.5 ? Set.of("management")
                : Set.of("management", host.networkNames().stream().filter(n -> n.startsWith("tenant")).findFirst().orElseThrow());
        return new VmRequest(name.replace("vm-", "vm-id-"), name, vcpus, memoryMib, model, flags, disks, networks,
                host.id(), Set.of());
    }

    private VmRequest downVm(String name, int vcpus, long memoryMib, String model, Set<String> flags) {
        int rack = random.nextInt(Math.max(1, hosts.size() / HOSTS_PER_RACK));
        Set<String> disks = random.nextDouble() < 0.7 ? Set.of("sd-shared-1") : Set.of("sd-rack-" + rack + "-a");
        Set<String> networks = random.nextDouble() < 0.5 ? Set.of("management") : Set.of("management", "tenant-" + rack % 5);
        Set<String> preferred = random.nextDouble() < 0.1 ? Set.of(hosts.get(random.nextInt(hosts.size())).id()) : Set.of();
        return new VmRequest(name.replace("vm-", "vm-id-"), name, vcpus, memoryMib, model, flags, disks, networks, null,
                preferred);
    }

    private void addGroups(int count) {
        List<String> hostIds = new ArrayList<>(vmsByHost.keySet());
        hostIds.sort(null);
        for (int i = 0; i < count; i++) {
            boolean enforcing = random.nextBoolean();
            int kind = i % 10;
            String name = String.format("group-%03d", i);
            if (kind < 3) {
                groups.add(vmGroup(name, true, enforcing, together(hostIds, enforcing, 2 + random.nextInt(5))));
            } else if (kind < 7) {
                groups.add(vmGroup(name, false, enforcing, apart(hostIds, enforcing, 2 + random.nextInt(39))));
            } else {
                groups.add(hostGroup(name, kind == 7 || kind == 8, enforcing, hostIds));
            }
        }
    }

    /** Members of a positive group: for a hard one, VMs sharing a host, as the rule has kept them. */
    private Set<String> together(List<String> hostIds, boolean enforcing, int size) {
        Set<String> members = new LinkedHashSet<>();
        List<VmRequest> onHost = vmsByHost.get(hostIds.get(random.nextInt(hostIds.size())));
        for (int i = 0; i < size; i++) {
            VmRequest vm = enforcing ? onHost.get(random.nextInt(onHost.size())) : vms.get(random.nextInt(vms.size()));
            members.add(vm.id());
        }
        withSomeDownVm(members);
        return members;
    }

    /** Members of a negative group: for a hard one, VMs on distinct hosts. */
    private Set<String> apart(List<String> hostIds, boolean enforcing, int size) {
        Set<String> members = new LinkedHashSet<>();
        Set<String> usedHosts = new HashSet<>();
        while (members.size() < size) {
            VmRequest vm = vms.get(random.nextInt(vms.size()));
            if (!enforcing || vm.running() && usedHosts.add(vm.currentHostId())) {
                members.add(vm.id());
            }
        }
        withSomeDownVm(members);
        return members;
    }

    private void withSomeDownVm(Set<String> members) {
        if (random.nextDouble() < 0.5 && !downVms.isEmpty()) {
            members.add(downVms.get(random.nextInt(downVms.size())).id());
        }
    }

    /** A VM-to-host group over a block of hosts; hard ones take members already where the rule wants them. */
    private AffinityGroup hostGroup(String name, boolean positive, boolean enforcing, List<String> hostIds) {
        int start = random.nextInt(hostIds.size());
        Set<String> listed = new LinkedHashSet<>();
        for (int i = 0; i < 20 + random.nextInt(180); i++) {
            listed.add(hostIds.get((start + i) % hostIds.size()));
        }
        Set<String> members = new LinkedHashSet<>();
        int size = 5 + random.nextInt(96);
        while (members.size() < size) {
            VmRequest vm = vms.get(random.nextInt(vms.size()));
            boolean where = vm.running() && listed.contains(vm.currentHostId()) == positive;
            if (!enforcing || where) {
                members.add(vm.id());
            }
        }
        withSomeDownVm(members);
        return new AffinityGroup(name.replace("group-", "group-id-"), name, AffinityGroup.Kind.VM_TO_HOST, positive,
                enforcing, members, listed);
    }

    private static AffinityGroup vmGroup(String name, boolean positive, boolean enforcing, Set<String> members) {
        return new AffinityGroup(name.replace("group-", "group-id-"), name, AffinityGroup.Kind.VM_TO_VM, positive,
                enforcing, members, Set.of());
    }

    /** Each host with the memory, count and CPU load of the VMs placed on it. */
    private List<HostCandidate> loadedHosts() {
        List<HostCandidate> loaded = new ArrayList<>();
        for (HostCandidate host : hosts) {
            List<VmRequest> placed = vmsByHost.getOrDefault(host.id(), List.of());
            long memory = placed.stream().mapToLong(VmRequest::memoryMib).sum();
            int vcpus = placed.stream().mapToInt(VmRequest::vcpus).sum();
            // Guests use a fifth to three fifths of their vCPUs on average: busy hosts go above 80%.
            double load = Math.min(100, 100.0 * vcpus / host.cpuCount() * (0.2 + 0.4 * random.nextDouble()));
            loaded.add(new HostCandidate(host.id(), host.name(), host.clusterId(), host.status(), host.connected(),
                    host.maintenance(), host.cpuCount(), host.cpuFlags(), host.memoryTotalMib(), memory, load,
                    placed.size(), host.storageDomainIds(), host.networkNames()));
        }
        return loaded;
    }

    private List<VmRequest> groupedRunningVms(ClusterSnapshot snapshot) {
        List<VmRequest> grouped = new ArrayList<>();
        for (VmRequest vm : vms) {
            if (vm.running() && !snapshot.groupsOf(vm.id()).isEmpty()) {
                grouped.add(vm);
            }
        }
        return grouped;
    }
}
