package io.vireo.engine.affinity;

import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Rows;
import io.vireo.model.AffinityGroup;
import io.vireo.model.Cluster;
import io.vireo.model.ErrorCode;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** Affinity groups: VM-to-VM (together/apart) and VM-to-host (on/off), hard or soft, within one cluster. */
public final class AffinityGroupService {
    private final Jdbi jdbi;
    private final DataCenterService dataCenters;
    private final EventLog events;

    public AffinityGroupService(Jdbi jdbi, DataCenterService dataCenters, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.events = requireNonNull(events, "events");
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
        dataCenters.insertUnique("affinity group", name, h -> {
            checkMembers(h, "vms", "vmIds", vmIds, clusterId, cluster.name());
            checkMembers(h, "hosts", "hostIds", hostIds, clusterId, cluster.name());
            h.createUpdate("INSERT INTO affinity_groups (id, name, cluster_id, kind, positive, enforcing) "
                            + "VALUES (:id, :name, :cluster, :kind, :positive, :enforcing)")
                    .bind("id", id).bind("name", name).bind("cluster", clusterId).bind("kind", kind)
                    .bind("positive", positive).bind("enforcing", enforcing).execute();
            for (UUID vm : vmIds) {
                h.createUpdate("INSERT INTO affinity_group_vms (group_id, vm_id) VALUES (:group, :vm)")
                        .bind("group", id).bind("vm", vm).execute();
            }
            for (UUID host : hostIds) {
                h.createUpdate("INSERT INTO affinity_group_hosts (group_id, host_id) VALUES (:group, :host)")
                        .bind("group", id).bind("host", host).execute();
            }
            events.write(h, EventLog.Entry.info("AFFINITY_GROUP_CREATED", "Affinity group " + name + " (" + describe(kind,
                    positive, enforcing) + ", " + vmIds.size() + " VM(s)) was created in cluster " + cluster.name()));
        });
        return group(id);
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

    private static void checkMembers(Handle h, String table, String field, List<UUID> ids, UUID clusterId, String clusterName) {
        for (UUID id : ids) {
            UUID cluster = h.createQuery("SELECT cluster_id FROM " + table + " WHERE id = :id").bind("id", id)
                    .mapTo(UUID.class).findOne()
                    .orElseThrow(() -> NotFoundException.of(table.equals("vms") ? ErrorCode.VM_NOT_FOUND : ErrorCode.HOST_NOT_FOUND,
                            table.equals("vms") ? "VM" : "host", id));
            if (!cluster.equals(clusterId)) {
                throw InvalidInputException.invalid(field, "Member " + id + " is not in cluster " + clusterName);
            }
        }
    }

    public List<AffinityGroup> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM affinity_groups ORDER BY name")
                .map((rs, ctx) -> toGroup(h, rs)).list());
    }

    public List<AffinityGroup> inCluster(UUID clusterId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM affinity_groups WHERE cluster_id = :cluster ORDER BY name")
                .bind("cluster", clusterId).map((rs, ctx) -> toGroup(h, rs)).list());
    }

    public AffinityGroup group(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM affinity_groups WHERE id = :id").bind("id", id)
                        .map((rs, ctx) -> toGroup(h, rs)).findOne())
                .orElseThrow(() -> NotFoundException.of(ErrorCode.NOT_FOUND, "affinity group", id));
    }

    public void delete(UUID id) {
        AffinityGroup group = group(id);
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM affinity_groups WHERE id = :id").bind("id", id).execute();
            events.write(h, EventLog.Entry.info("AFFINITY_GROUP_REMOVED", "Affinity group " + group.name() + " was removed"));
        });
    }

    private static AffinityGroup toGroup(Handle h, ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        List<String> vms = h.createQuery("SELECT vm_id FROM affinity_group_vms WHERE group_id = :id").bind("id", id)
                .mapTo(UUID.class).map(UUID::toString).list();
        List<String> hosts = h.createQuery("SELECT host_id FROM affinity_group_hosts WHERE group_id = :id").bind("id", id)
                .mapTo(UUID.class).map(UUID::toString).list();
        return new AffinityGroup(id.toString(), rs.getString("name"), rs.getObject("cluster_id").toString(), rs.getString("kind"),
                rs.getBoolean("positive"), rs.getBoolean("enforcing"), vms, hosts, Rows.instant(rs, "created_at"));
    }
}
