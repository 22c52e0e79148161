package io.vireo.engine.placement;

import io.vireo.engine.affinity.AffinityGroupService;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.hosts.SchedulableHost;
import io.vireo.engine.scheduling.AffinityGroup;
import io.vireo.engine.scheduling.ClusterSnapshot;
import io.vireo.engine.scheduling.HostCandidate;
import io.vireo.engine.scheduling.PolicyParameters;
import io.vireo.engine.scheduling.VmRequest;
import io.vireo.engine.networks.NetworkService;
import io.vireo.engine.storage.StorageService;
import io.vireo.engine.vms.HostLoad;
import io.vireo.engine.vms.VmService;
import io.vireo.model.Cluster;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Jdbi;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Reads one cluster's hosts, VMs and affinity groups into a {@link ClusterSnapshot}, asking each
 * feature for its part inside one read-only transaction, so the scheduler sees a consistent picture.
 */
public final class ClusterSnapshotReader {
    private final Jdbi jdbi;
    private final DataCenterService dataCenters;
    private final HostService hosts;
    private final VmService vms;
    private final StorageService storage;
    private final AffinityGroupService affinityGroups;
    private final NetworkService networks;
    private final Predicate<UUID> connected;

    public ClusterSnapshotReader(Jdbi jdbi, DataCenterService dataCenters, HostService hosts, VmService vms,
                                 StorageService storage, AffinityGroupService affinityGroups, NetworkService networks,
                                 Predicate<UUID> connected) {
        this.networks = requireNonNull(networks, "networks");
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.hosts = requireNonNull(hosts, "hosts");
        this.vms = requireNonNull(vms, "vms");
        this.storage = requireNonNull(storage, "storage");
        this.affinityGroups = requireNonNull(affinityGroups, "affinityGroups");
        this.connected = requireNonNull(connected, "connected");
    }

    /** One transaction, so that the cluster, its groups, hosts and VMs are read as of one moment. */
    public ClusterSnapshot read(UUID clusterId) {
        return jdbi.inTransaction(h -> {
            Cluster cluster = dataCenters.cluster(h, clusterId);
            List<AffinityGroup> groups = affinityGroups.inCluster(h, clusterId).stream().map(ClusterSnapshotReader::group).toList();
            Set<String> domains = storage.domainIdsInDataCenter(h, UUID.fromString(cluster.dataCenterId())).stream()
                    .map(UUID::toString).collect(Collectors.toSet());
            Map<UUID, HostLoad> load = vms.loadByHost(h, clusterId);
            Map<UUID, Set<String>> carried = networks.carriedNetworkNames(h, clusterId);
            List<HostCandidate> candidates = hosts.schedulable(h, clusterId).stream()
                    .map(host -> candidate(host, clusterId, domains, load,
                            carried.getOrDefault(UUID.fromString(host.host().id()), Set.of()))).toList();
            List<Vm> clusterVms = vms.inCluster(h, clusterId);
            Map<UUID, Set<UUID>> vmDomains = storage.domainsOfVms(h, clusterVms.stream().map(vm -> UUID.fromString(vm.id())).toList());
            Map<UUID, Set<String>> vmNetworks = networks.networkNamesOfVms(h, clusterId);
            List<VmRequest> requests = clusterVms.stream().map(vm -> request(vm, vmDomains,
                    vmNetworks.getOrDefault(UUID.fromString(vm.id()), Set.of()))).toList();
            String parameters = cluster.schedulingParameters() == null ? null : cluster.schedulingParameters().toString();
            return new ClusterSnapshot(clusterId.toString(), cluster.memoryOvercommitPercent(), cluster.schedulingPolicy(),
                    PolicyParameters.fromJson(parameters), candidates, requests, groups);
        });
    }

    /** @param networkNames the cluster's networks the host carries now */
    private HostCandidate candidate(SchedulableHost schedulable, UUID clusterId, Set<String> domains, Map<UUID, HostLoad> load,
                                    Set<String> networkNames) {
        Host host = schedulable.host();
        UUID id = UUID.fromString(host.id());
        HostLoad placed = load.getOrDefault(id, HostLoad.NONE);
        boolean maintenance = host.status() == HostStatus.MAINTENANCE || host.status() == HostStatus.PREPARING_FOR_MAINTENANCE;
        return new HostCandidate(host.id(), host.name(), clusterId.toString(), host.status(), connected.test(id), maintenance,
                host.cpuCount(), schedulable.cpuFlags(), host.memoryTotalKib() / 1024, placed.committedMib(),
                host.cpuLoadPercent(), placed.running(), domains, networkNames);
    }

    private static VmRequest request(Vm vm, Map<UUID, Set<UUID>> vmDomains, Set<String> networkNames) {
        boolean running = vm.status() != VmStatus.DOWN && vm.hostId() != null;
        Set<String> domains = new HashSet<>();
        vmDomains.getOrDefault(UUID.fromString(vm.id()), Set.of()).forEach(domain -> domains.add(domain.toString()));
        return new VmRequest(vm.id(), vm.name(), vm.vcpus(), vm.memoryMib(), null, Set.of(), domains, networkNames,
                running ? vm.hostId() : null, vm.preferredHostId() == null ? Set.of() : Set.of(vm.preferredHostId()));
    }

    private static AffinityGroup group(io.vireo.model.AffinityGroup group) {
        return new AffinityGroup(group.id(), group.name(), AffinityGroup.Kind.valueOf(group.kind()), group.positive(),
                group.enforcing(), Set.copyOf(group.vmIds()), Set.copyOf(group.hostIds()));
    }
}
