package io.vireo.engine.vms;

import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.hosts.HostRepository;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.model.Cluster;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.Vm;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Picks the host a VM starts on: an Up, connected host of its cluster with room for its memory
 * (within the cluster's overcommit), the one with the most room left. The scheduling issue
 * replaces this with filters and weights; the refusal already says, host by host, why.
 */
public final class VmPlacement {
    private final Jdbi jdbi;
    private final HostRepository hosts;
    private final DataCenterService dataCenters;
    private final AgentGateway gateway;

    public VmPlacement(Jdbi jdbi, HostRepository hosts, DataCenterService dataCenters, AgentGateway gateway) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hosts = requireNonNull(hosts, "hosts");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.gateway = requireNonNull(gateway, "gateway");
    }

    /** A destination for a live migration: any acceptable host but the VM's own and the excluded ones. */
    public UUID chooseForMigration(Vm vm, UUID requestedHost, java.util.Set<UUID> excluded) {
        java.util.Set<UUID> notThere = new java.util.HashSet<>(excluded);
        if (vm.hostId() != null) {
            UUID current = UUID.fromString(vm.hostId());
            if (current.equals(requestedHost)) {
                throw new JobFailure(ErrorCode.NO_HOST_AVAILABLE, "VM " + vm.name() + " already runs on the requested host");
            }
            notThere.add(current);
        }
        return choose(vm, requestedHost, notThere);
    }

    public UUID choose(Vm vm, UUID requestedHost) {
        return choose(vm, requestedHost, java.util.Set.of());
    }

    private UUID choose(Vm vm, UUID requestedHost, java.util.Set<UUID> excluded) {
        Cluster cluster = dataCenters.cluster(UUID.fromString(vm.clusterId()));
        List<Host> candidates = jdbi.withHandle(h -> h.createQuery("SELECT * FROM hosts WHERE cluster_id = :cluster ORDER BY name")
                .bind("cluster", UUID.fromString(vm.clusterId())).map((rs, ctx) -> HostRepository.toHost(rs)).list());
        List<String> refusals = new ArrayList<>();
        Host best = null;
        long bestRoom = Long.MIN_VALUE;
        for (Host host : candidates) {
            if (requestedHost != null && !requestedHost.toString().equals(host.id())
                    || excluded.contains(UUID.fromString(host.id()))) {
                continue;
            }
            String refusal = refusal(host, vm, cluster);
            if (refusal != null) {
                refusals.add(host.name() + ": " + refusal);
                continue;
            }
            long room = roomMib(host, cluster);
            if (room > bestRoom) {
                best = host;
                bestRoom = room;
            }
        }
        if (best == null) {
            String why = refusals.isEmpty() ? "the cluster has no other host" : String.join("; ", refusals);
            throw new JobFailure(ErrorCode.NO_HOST_AVAILABLE, "No host can run VM " + vm.name() + ": " + why);
        }
        return UUID.fromString(best.id());
    }

    private String refusal(Host host, Vm vm, Cluster cluster) {
        if (host.status() != HostStatus.UP) {
            return "it is " + host.status();
        }
        if (!gateway.isConnected(UUID.fromString(host.id()))) {
            return "its agent is not connected";
        }
        long room = roomMib(host, cluster);
        if (room < vm.memoryMib()) {
            return "not enough memory (" + room + " MiB free for guests, " + vm.memoryMib() + " MiB needed)";
        }
        return null;
    }

    private long roomMib(Host host, Cluster cluster) {
        long committed = jdbi.withHandle(h -> h.createQuery("SELECT coalesce(sum(memory_mib), 0) FROM vms "
                        + "WHERE (host_id = :host OR migrating_to_host_id = :host) AND status <> 'DOWN'")
                .bind("host", UUID.fromString(host.id())).mapTo(Long.class).one());
        long capacity = host.memoryTotalKib() / 1024 * cluster.memoryOvercommitPercent() / 100;
        return capacity - committed;
    }
}
