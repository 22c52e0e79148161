package io.vireo.engine.placement;

import io.vireo.engine.scheduling.AffinityGroup;
import io.vireo.engine.scheduling.ClusterSnapshot;
import io.vireo.engine.scheduling.HostCandidate;
import io.vireo.engine.scheduling.VmRequest;
import io.vireo.engine.scheduling.PolicyParameters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.HostStatus;
import io.vireo.model.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * Reads one cluster's hosts, VMs and affinity groups into a {@link ClusterSnapshot}, in one
 * read-only transaction so the scheduler sees a consistent picture. It reads several features'
 * tables at once on purpose: a snapshot per decision must be cheap, and it never writes.
 */
public final class ClusterSnapshotReader {
    private static final ObjectMapper MAPPER = Json.lenientMapper();

    private final Jdbi jdbi;
    private final Predicate<UUID> connected;

    public ClusterSnapshotReader(Jdbi jdbi, Predicate<UUID> connected) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.connected = requireNonNull(connected, "connected");
    }

    public ClusterSnapshot read(UUID clusterId) {
        return jdbi.inTransaction(h -> {
            var cluster = h.createQuery("SELECT data_center_id, memory_overcommit, scheduling_policy, scheduling_parameters "
                            + "FROM clusters WHERE id = :id").bind("id", clusterId).mapToMap().one();
            UUID dataCenter = (UUID) cluster.get("data_center_id");
            Set<String> domains = new HashSet<>(h.createQuery("SELECT id FROM storage_domains WHERE data_center_id = :dc")
                    .bind("dc", dataCenter).mapTo(UUID.class).map(UUID::toString).list());
            List<HostCandidate> hosts = hosts(h, clusterId, domains);
            List<VmRequest> vms = vms(h, clusterId);
            return new ClusterSnapshot(clusterId.toString(), (Integer) cluster.get("memory_overcommit"),
                    (String) cluster.get("scheduling_policy"), PolicyParameters.fromJson(String.valueOf(cluster.get("scheduling_parameters"))),
                    hosts, vms, groups(h, clusterId));
        });
    }

    private List<HostCandidate> hosts(Handle h, UUID clusterId, Set<String> domains) {
        return h.createQuery("SELECT h.*, coalesce(c.committed, 0) AS committed, coalesce(c.running, 0) AS running "
                        + "FROM hosts h LEFT JOIN (SELECT host, sum(memory_mib) AS committed, count(*) AS running FROM ("
                        + "  SELECT host_id AS host, memory_mib FROM vms WHERE status <> 'DOWN' AND host_id IS NOT NULL "
                        + "  UNION ALL SELECT migrating_to_host_id, memory_mib FROM vms WHERE status = 'MIGRATING_FROM') placed "
                        + "GROUP BY host) c ON c.host = h.id WHERE h.cluster_id = :cluster ORDER BY h.name")
                .bind("cluster", clusterId)
                .map((rs, ctx) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    HostStatus status = HostStatus.valueOf(rs.getString("status"));
                    Set<String> flags = new HashSet<>();
                    for (String flag : rs.getString("cpu_flags").split(" ")) {
                        if (!flag.isBlank()) {
                            flags.add(flag);
                        }
                    }
                    return new HostCandidate(id.toString(), rs.getString("name"), clusterId.toString(), status,
                            connected.test(id), status == HostStatus.MAINTENANCE || status == HostStatus.PREPARING_FOR_MAINTENANCE,
                            rs.getInt("cpu_count"), flags, rs.getLong("memory_total_kib") / 1024, rs.getLong("committed"),
                            rs.getDouble("cpu_load_percent"), rs.getInt("running"), domains, Set.of());
                }).list();
    }

    private static List<VmRequest> vms(Handle h, UUID clusterId) {
        Map<UUID, Set<String>> vmDomains = new HashMap<>();
        h.createQuery("SELECT d.vm_id, d.storage_domain_id FROM disks d JOIN vms v ON v.id = d.vm_id WHERE v.cluster_id = :cluster")
                .bind("cluster", clusterId)
                .map((rs, ctx) -> Map.entry(rs.getObject("vm_id", UUID.class), rs.getObject("storage_domain_id").toString()))
                .forEach(entry -> vmDomains.computeIfAbsent(entry.getKey(), key -> new HashSet<>()).add(entry.getValue()));
        return h.createQuery("SELECT id, name, vcpus, memory_mib, status, host_id, preferred_host_id FROM vms "
                        + "WHERE cluster_id = :cluster").bind("cluster", clusterId)
                .map((rs, ctx) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    boolean running = !rs.getString("status").equals("DOWN") && rs.getObject("host_id") != null;
                    Object preferred = rs.getObject("preferred_host_id");
                    return new VmRequest(id.toString(), rs.getString("name"), rs.getInt("vcpus"), rs.getLong("memory_mib"),
                            null, Set.of(), vmDomains.getOrDefault(id, Set.of()), Set.of(),
                            running ? rs.getObject("host_id").toString() : null,
                            preferred == null ? Set.of() : Set.of(preferred.toString()));
                }).list();
    }

    private static List<AffinityGroup> groups(Handle h, UUID clusterId) {
        Map<UUID, Set<String>> vms = members(h, "affinity_group_vms", "vm_id", clusterId);
        Map<UUID, Set<String>> hosts = members(h, "affinity_group_hosts", "host_id", clusterId);
        List<AffinityGroup> groups = new ArrayList<>();
        h.createQuery("SELECT * FROM affinity_groups WHERE cluster_id = :cluster").bind("cluster", clusterId).mapToMap()
                .forEach(row -> {
                    UUID id = (UUID) row.get("id");
                    groups.add(new AffinityGroup(id.toString(), (String) row.get("name"),
                            AffinityGroup.Kind.valueOf((String) row.get("kind")), (Boolean) row.get("positive"),
                            (Boolean) row.get("enforcing"), vms.getOrDefault(id, Set.of()), hosts.getOrDefault(id, Set.of())));
                });
        return groups;
    }

    private static Map<UUID, Set<String>> members(Handle h, String table, String column, UUID clusterId) {
        Map<UUID, Set<String>> members = new HashMap<>();
        h.createQuery("SELECT m.group_id, m." + column + " AS member FROM " + table + " m JOIN affinity_groups g "
                        + "ON g.id = m.group_id WHERE g.cluster_id = :cluster").bind("cluster", clusterId)
                .map((rs, ctx) -> Map.entry(rs.getObject("group_id", UUID.class), rs.getObject("member").toString()))
                .forEach(entry -> members.computeIfAbsent(entry.getKey(), key -> new HashSet<>()).add(entry.getValue()));
        return members;
    }
}
