package io.vireo.engine.hosts;

import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.rpc.HostFacts;
import io.vireo.model.rpc.HostStats;
import io.vireo.model.rpc.HostNic;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** SQL of hosts. */
public final class HostRepository {
    private final Jdbi jdbi;

    public HostRepository(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    public Optional<Host> find(UUID id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    public Optional<Host> find(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM hosts WHERE id = :id").bind("id", id).map((rs, ctx) -> toHost(rs)).findOne();
    }

    /** A page of the hosts that the caller may see and that match the search, by name. */
    public List<Host> list(Visibility visible, SqlPredicate search, Paging paging) {
        SqlPredicate where = search.and(visible.on("hosts.id"));
        return jdbi.withHandle(h -> Pages.list(h, "SELECT * FROM hosts", where, "name, id", paging, (rs, ctx) -> toHost(rs)));
    }

    /** Locks the host's row for the rest of the transaction (a status change decided on what it shows). */
    Optional<Host> lock(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM hosts WHERE id = :id FOR UPDATE").bind("id", id).map((rs, ctx) -> toHost(rs))
                .findOne();
    }

    public List<Host> withStatus(HostStatus... statuses) {
        List<String> names = java.util.Arrays.stream(statuses).map(Enum::name).toList();
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM hosts WHERE status IN (<statuses>) ORDER BY name")
                .bindList("statuses", names).map((rs, ctx) -> toHost(rs)).list());
    }

    /** The hosts of a cluster with the CPU flags they reported, for the scheduler. */
    List<SchedulableHost> schedulable(Handle h, UUID clusterId) {
        return h.createQuery("SELECT * FROM hosts WHERE cluster_id = :cluster ORDER BY name").bind("cluster", clusterId)
                .map((rs, ctx) -> new SchedulableHost(toHost(rs), SchedulableHost.flags(rs.getString("cpu_flags")))).list();
    }

    void insert(Handle h, UUID id, String name, String address, UUID clusterId, String tokenHash, OffsetDateTime expires) {
        h.createUpdate("INSERT INTO hosts (id, name, address, cluster_id, status, enrollment_token_hash, "
                        + "enrollment_expires_at) VALUES (:id, :name, :address, :cluster, 'INSTALLING', :token, :expires)")
                .bind("id", id).bind("name", name).bind("address", address).bind("cluster", clusterId)
                .bind("token", tokenHash).bind("expires", expires).execute();
    }

    /** The host waiting for the agent that holds this token, locked for the enrollment. */
    Optional<PendingEnrollment> lockPendingEnrollment(Handle h, String tokenHash) {
        return h.createQuery("SELECT id, name, address, enrollment_expires_at FROM hosts WHERE enrollment_token_hash = :hash FOR UPDATE")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> new PendingEnrollment(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("address"),
                        rs.getObject("enrollment_expires_at", OffsetDateTime.class).toInstant()))
                .findOne();
    }

    record PendingEnrollment(UUID hostId, String name, String address, Instant expires) {
    }

    void markEnrolled(Handle h, UUID hostId, String certificateSerial) {
        h.createUpdate("UPDATE hosts SET enrollment_token_hash = NULL, enrolled_at = now(), certificate_serial = :serial "
                        + "WHERE id = :id")
                .bind("id", hostId).bind("serial", certificateSerial).execute();
    }

    void delete(Handle h, UUID hostId) {
        h.createUpdate("DELETE FROM hosts WHERE id = :id").bind("id", hostId).execute();
    }

    public List<Host> upHostsInCluster(Handle h, UUID clusterId) {
        return h.createQuery("SELECT * FROM hosts WHERE cluster_id = :cluster AND status = 'UP' ORDER BY name")
                .bind("cluster", clusterId).map((rs, ctx) -> toHost(rs)).list();
    }

    public List<Host> upHostsInDataCenter(UUID dataCenterId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT hosts.* FROM hosts JOIN clusters c ON c.id = hosts.cluster_id "
                        + "WHERE c.data_center_id = :dc AND hosts.status = 'UP' ORDER BY hosts.name")
                .bind("dc", dataCenterId).map((rs, ctx) -> toHost(rs)).list());
    }

    /** Whether the agent may connect with a certificate of this serial: the latest issued, or the one before it. */
    boolean acceptsCertificate(UUID hostId, String serial) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM hosts WHERE id = :id AND enrolled_at IS NOT NULL "
                        + "AND (certificate_serial = :serial OR previous_certificate_serial = :serial)")
                .bind("id", hostId).bind("serial", serial).mapTo(Integer.class).one() > 0);
    }

    /** Records a renewed certificate; the one the agent connected with stays accepted until it uses the new one. */
    void renewCertificate(Handle h, UUID hostId, String serial, String presentedSerial) {
        h.createUpdate("UPDATE hosts SET certificate_serial = :serial, previous_certificate_serial = :presented WHERE id = :id")
                .bind("id", hostId).bind("serial", serial).bind("presented", presentedSerial).execute();
    }

    /** The agent connected with its latest certificate: the one before it is accepted no more. */
    void forgetPreviousCertificate(UUID hostId, String serial) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE hosts SET previous_certificate_serial = NULL "
                        + "WHERE id = :id AND certificate_serial = :serial AND previous_certificate_serial IS NOT NULL")
                .bind("id", hostId).bind("serial", serial).execute());
    }

    /** Sets the status; answers the previous one if it changed. */
    public Optional<HostStatus> setStatus(Handle h, UUID hostId, HostStatus status) {
        return setStatus(h, hostId, status, null);
    }

    /** Changes the status (and its detail, null for none); answers the previous status, empty when it was this one already. */
    public Optional<HostStatus> setStatus(Handle h, UUID hostId, HostStatus status, String detail) {
        return h.createQuery("UPDATE hosts SET status = :status, status_detail = :detail, status_changed_at = now() FROM "
                        + "(SELECT id, status AS old FROM hosts WHERE id = :id FOR UPDATE) previous "
                        + "WHERE hosts.id = previous.id AND hosts.status <> :status RETURNING previous.old")
                .bind("id", hostId).bind("status", status.name()).bind("detail", detail).mapTo(String.class).findOne()
                .map(HostStatus::valueOf);
    }

    void setDetail(Handle h, UUID hostId, String detail) {
        h.createUpdate("UPDATE hosts SET status_detail = :detail WHERE id = :id").bind("id", hostId).bind("detail", detail).execute();
    }

    public void recordFacts(Handle h, UUID hostId, HostFacts facts) {
        h.createUpdate("UPDATE hosts SET domain_type = :type, libvirt_version = :libvirt, cpu_count = :cpus, "
                        + "memory_total_kib = :memory, last_seen_at = now() WHERE id = :id")
                .bind("id", hostId).bind("type", facts.domainType()).bind("libvirt", facts.libvirtVersion())
                .bind("cpus", facts.cpuCount()).bind("memory", facts.memoryTotalKib()).execute();
    }

    public void recordStats(UUID hostId, HostStats stats) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE hosts SET cpu_count = :cpus, cpu_load_percent = :load, "
                        + "memory_total_kib = :total, memory_free_kib = :free, running_vms = :vms, last_seen_at = now() "
                        + "WHERE id = :id")
                .bind("id", hostId).bind("cpus", stats.cpuCount()).bind("load", stats.cpuLoadPercent())
                .bind("total", stats.memoryTotalKib()).bind("free", stats.memoryFreeKib()).bind("vms", stats.runningVms())
                .execute());
    }

    /** The host's network interfaces as its agent reported them last; an empty report keeps what was there. */
    public void recordNics(Handle h, UUID hostId, List<HostNic> nics) {
        if (nics.isEmpty()) {
            return;
        }
        try {
            h.createUpdate("UPDATE hosts SET nics = CAST(:nics AS jsonb) WHERE id = :id")
                    .bind("id", hostId).bind("nics", NICS.writeValueAsString(nics)).execute();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the interfaces of host " + hostId, e);
        }
    }

    public void recordNics(UUID hostId, List<HostNic> nics) {
        jdbi.useHandle(h -> recordNics(h, hostId, nics));
    }

    List<HostNic> nics(UUID hostId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT nics::text FROM hosts WHERE id = :id").bind("id", hostId)
                .mapTo(String.class).findOne().map(HostRepository::readNics).orElse(List.of()));
    }

    /** The interfaces each host of the cluster reported last. */
    Map<UUID, List<HostNic>> nicsInCluster(Handle h, UUID clusterId) {
        return h.createQuery("SELECT id, nics::text AS nics FROM hosts WHERE cluster_id = :cluster").bind("cluster", clusterId)
                .map((rs, ctx) -> Map.entry(rs.getObject("id", UUID.class), readNics(rs.getString("nics"))))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper NICS = io.vireo.model.Json.lenientMapper();

    private static List<HostNic> readNics(String json) {
        try {
            return List.of(NICS.readValue(json, HostNic[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable host interfaces in the database", e);
        }
    }

    /** How many hosts are in each status; a status no host is in is left out. */
    public Map<HostStatus, Integer> countByStatus() {
        return jdbi.withHandle(h -> h.createQuery("SELECT status, count(*) AS n FROM hosts GROUP BY status")
                .map((rs, ctx) -> Map.entry(HostStatus.valueOf(rs.getString("status")), rs.getInt("n")))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    public static Host toHost(ResultSet rs) throws SQLException {
        return new Host(rs.getObject("id").toString(), rs.getString("name"), rs.getString("address"),
                rs.getObject("cluster_id").toString(), HostStatus.valueOf(rs.getString("status")), rs.getString("status_detail"),
                rs.getString("domain_type"), rs.getString("libvirt_version"), rs.getInt("cpu_count"),
                rs.getDouble("cpu_load_percent"), rs.getLong("memory_total_kib"), rs.getLong("memory_free_kib"),
                rs.getInt("running_vms"), Rows.instant(rs, "last_seen_at"), Rows.instant(rs, "created_at"));
    }
}
