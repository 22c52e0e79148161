package io.vireo.engine.affinity;

import io.vireo.engine.common.Fields;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.UniqueNames;
import io.vireo.engine.store.Visibility;
import io.vireo.model.AffinityGroup;
import io.vireo.model.Cluster;
import io.vireo.model.ErrorCode;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** Affinity groups: VM-to-VM (together/apart) and VM-to-host (on/off), hard or soft, within one cluster. */
public final class AffinityGroupService {
    private final Jdbi jdbi;
    private final DataCenterService dataCenters;
    private final EventLog events;
    private final ClusterMembership vms;
    private final ClusterMembership hosts;
    private final AffinityGroupRepository groups = new AffinityGroupRepository();

    /** {@code vms} and {@code hosts} say which cluster a member is in: the VMs and hosts features answer. */
    public AffinityGroupService(Jdbi jdbi, DataCenterService dataCenters, EventLog events, ClusterMembership vms,
                                ClusterMembership hosts) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.events = requireNonNull(events, "events");
        this.vms = requireNonNull(vms, "vms");
        this.hosts = requireNonNull(hosts, "hosts");
    }

    public AffinityGroup create(AffinityGroup.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        UUID clusterId = Fields.id("clusterId", request.clusterId());
        String kind = Fields.oneOf("kind", request.kind(), AffinityGroup.VM_TO_VM, AffinityGroup.VM_TO_HOST);
        boolean positive = Fields.required("positive", request.positive());
        boolean enforcing = Fields.required("enforcing", request.enforcing());
        List<UUID> vmIds = ids("vmIds", request.vmIds());
        List<UUID> hostIds = ids("hostIds", request.hostIds());
        if (kind.equals(AffinityGroup.VM_TO_VM) && !hostIds.isEmpty()) {
            throw InvalidInputException.invalid("hostIds", "A VM_TO_VM group lists VMs only; use a VM_TO_HOST group for hosts");
        }
        if (kind.equals(AffinityGroup.VM_TO_HOST) && hostIds.isEmpty()) {
            throw InvalidInputException.invalid("hostIds", "A VM_TO_HOST group needs at least one host");
        }
        Cluster cluster = dataCenters.cluster(clusterId);
        UUID id = UUID.randomUUID();
        return UniqueNames.insert(jdbi, "affinity group", name, h -> {
            checkMembers(h, vms, "vmIds", vmIds, cluster, vm -> NotFoundException.of(ErrorCode.VM_NOT_FOUND, "VM", vm));
            checkMembers(h, hosts, "hostIds", hostIds, cluster, host -> NotFoundException.of(ErrorCode.HOST_NOT_FOUND, "host", host));
            groups.insert(h, new AffinityGroupRepository.NewGroup(id, name, clusterId, kind, positive, enforcing, vmIds, hostIds));
            events.write(h, EventLog.Entry.info("AFFINITY_GROUP_CREATED", "Affinity group " + name + " (" + describe(kind,
                    positive, enforcing) + ", " + vmIds.size() + " VM(s)) was created in cluster " + cluster.name()));
            return groups.find(h, id).orElseThrow();
        });
    }

    static String describe(String kind, boolean positive, boolean enforcing) {
        String rule = kind.equals(AffinityGroup.VM_TO_VM) ? (positive ? "VMs together" : "VMs apart")
                : (positive ? "VMs on the hosts" : "VMs off the hosts");
        return rule + ", " + (enforcing ? "hard" : "soft");
    }

    private static List<UUID> ids(String field, List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > 10_000) {
            throw InvalidInputException.invalid(field, "An affinity group can have at most 10000 members");
        }
        LinkedHashSet<UUID> ids = new LinkedHashSet<>();
        for (String value : values) {
            ids.add(Fields.id(field, value));
        }
        return new ArrayList<>(ids);
    }

    /** Every member must exist and be in the group's cluster. */
    private static void checkMembers(Handle h, ClusterMembership members, String field, List<UUID> ids, Cluster cluster,
                                     Function<UUID, NotFoundException> missing) {
        for (UUID id : ids) {
            UUID memberCluster = members.clusterOf(h, id).orElseThrow(() -> missing.apply(id));
            if (!memberCluster.toString().equals(cluster.id())) {
                throw InvalidInputException.invalid(field, "Member " + id + " is not in cluster " + cluster.name());
            }
        }
    }

    /** Every group, for the engine's own use. */
    public List<AffinityGroup> list() {
        return list(Visibility.ALL, Optional.empty(), Paging.ALL);
    }

    /** One page, by name, of the groups that match the search in the clusters a caller sees. */
    public List<AffinityGroup> list(Visibility clusters, Optional<String> search, Paging paging) {
        return jdbi.withHandle(h -> groups.list(h, clusters, search, paging));
    }

    public List<AffinityGroup> inCluster(UUID clusterId) {
        return jdbi.withHandle(h -> inCluster(h, clusterId));
    }

    /** The groups of a cluster, inside the caller's transaction (a scheduling snapshot reads them with its hosts and VMs). */
    public List<AffinityGroup> inCluster(Handle h, UUID clusterId) {
        return groups.inCluster(h, clusterId);
    }

    public AffinityGroup group(UUID id) {
        return jdbi.withHandle(h -> groups.find(h, id))
                .orElseThrow(() -> NotFoundException.of(ErrorCode.NOT_FOUND, "affinity group", id));
    }

    public void delete(UUID id) {
        AffinityGroup group = group(id);
        jdbi.useTransaction(h -> {
            groups.delete(h, id);
            events.write(h, EventLog.Entry.info("AFFINITY_GROUP_REMOVED", "Affinity group " + group.name() + " was removed"));
        });
    }
}
