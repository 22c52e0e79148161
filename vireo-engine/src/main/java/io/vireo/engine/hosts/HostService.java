package io.vireo.engine.hosts;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.UnauthenticatedException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.auth.Secrets;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import org.jdbi.v3.core.Jdbi;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/** Adding hosts, enrolling their agents with a one-time token, listing and removing them. */
public final class HostService {
    public static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "address", new SearchQuery.Field("address", SearchQuery.Type.TEXT),
            "status", new SearchQuery.Field("status", SearchQuery.Type.ENUM),
            "cluster", new SearchQuery.Field("cluster_id::text", SearchQuery.Type.TEXT));
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

    private final Jdbi jdbi;
    private final HostRepository hosts;
    private final DataCenterService dataCenters;
    private final CertificateAuthority authority;
    private final EventLog events;
    private final Supplier<String> agentEndpoint;

    public HostService(Jdbi jdbi, HostRepository hosts, DataCenterService dataCenters, CertificateAuthority authority,
                       EventLog events, Supplier<String> agentEndpoint) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hosts = requireNonNull(hosts, "hosts");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.authority = requireNonNull(authority, "authority");
        this.events = requireNonNull(events, "events");
        this.agentEndpoint = requireNonNull(agentEndpoint, "agentEndpoint");
    }

    public Host.Created create(Host.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        String address = Fields.required("address", request.address());
        if (address.isBlank() || address.length() > 253 || !address.matches("[A-Za-z0-9.:-]+")) {
            throw InvalidInputException.invalid("address", "The address '" + address + "' is not a host name or IP address");
        }
        UUID clusterId = Fields.id("clusterId", request.clusterId());
        dataCenters.cluster(clusterId);
        UUID id = UUID.randomUUID();
        String token = Secrets.randomToken();
        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(TOKEN_LIFETIME);
        dataCenters.insertUnique("host", name, h -> {
            h.createUpdate("INSERT INTO hosts (id, name, address, cluster_id, status, enrollment_token_hash, "
                            + "enrollment_expires_at) VALUES (:id, :name, :address, :cluster, 'INSTALLING', :token, :expires)")
                    .bind("id", id).bind("name", name).bind("address", address).bind("cluster", clusterId)
                    .bind("token", Secrets.sha256(token)).bind("expires", expires).execute();
            events.write(h, EventLog.Entry.info("HOST_ADDED", "Host " + name + " (" + address
                    + ") was added; it becomes Up when its agent enrolls and connects").host(id));
        });
        return new Host.Created(host(id), token, expires.toInstant());
    }

    /** Signs the agent's certificate request in exchange for the host's one-time token. */
    public Host.Enrollment enroll(Host.EnrollRequest request) {
        Fields.required("body", request);
        String token = Fields.required("token", request.token());
        String csr = Fields.required("csrPem", request.csrPem());
        return jdbi.inTransaction(h -> {
            var row = h.createQuery("SELECT id, name, enrollment_expires_at FROM hosts WHERE enrollment_token_hash = :hash "
                            + "FOR UPDATE")
                    .bind("hash", Secrets.sha256(token))
                    .map((rs, ctx) -> new Object[]{rs.getObject("id", UUID.class), rs.getString("name"),
                            rs.getObject("enrollment_expires_at", OffsetDateTime.class)})
                    .findOne()
                    .orElseThrow(() -> new UnauthenticatedException(ErrorCode.TOKEN_INVALID,
                            "The enrollment token is not valid: it is wrong, or it was used already"));
            UUID hostId = (UUID) row[0];
            if (((OffsetDateTime) row[2]).toInstant().isBefore(Instant.now())) {
                throw new UnauthenticatedException(ErrorCode.TOKEN_INVALID, "The enrollment token of host " + row[1]
                        + " has expired; remove and add the host again");
            }
            X509Certificate certificate;
            try {
                certificate = authority.signHost(csr, hostId.toString());
            } catch (IllegalArgumentException e) {
                throw InvalidInputException.invalid("csrPem", "The certificate request cannot be used: " + e.getMessage());
            }
            h.createUpdate("UPDATE hosts SET enrollment_token_hash = NULL, enrolled_at = now(), certificate_serial = :serial "
                            + "WHERE id = :id")
                    .bind("id", hostId).bind("serial", certificate.getSerialNumber().toString(16)).execute();
            events.write(h, EventLog.Entry.info("HOST_ENROLLED", "Host " + row[1] + " enrolled; its agent holds a certificate "
                    + "signed by this engine").host(hostId));
            return new Host.Enrollment(hostId.toString(), CertificateAuthority.toPem(certificate),
                    authority.certificatePem(), agentEndpoint.get());
        });
    }

    public Optional<Host> find(UUID id) {
        return hosts.find(id);
    }

    /** How many hosts are in each status (for the inventory gauges); a status no host is in is left out. */
    public Map<HostStatus, Integer> countByStatus() {
        return hosts.countByStatus();
    }

    public Host host(UUID id) {
        return hosts.find(id).orElseThrow(() -> NotFoundException.of(ErrorCode.HOST_NOT_FOUND, "host", id));
    }

    public List<Host> list(String search, int max, int page) {
        return list(search, max, page, io.vireo.engine.store.SqlPredicate.TRUE);
    }

    /** The hosts that match the search and the given predicate (e.g. those the caller may see), by page. */
    public List<Host> list(String search, int max, int page, io.vireo.engine.store.SqlPredicate visible) {
        var where = SearchQuery.parse(search, SEARCH_FIELDS).predicate().and(visible);
        return hosts.list(where.sql(), where.parameters(), "name", max, (page - 1) * max);
    }

    public void delete(UUID id) {
        Host host = host(id);
        jdbi.useTransaction(h -> {
            int vms = h.createQuery("SELECT count(*) FROM vms WHERE host_id = :id").bind("id", id).mapTo(Integer.class).one();
            if (vms > 0) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Host " + host.name() + " runs " + vms
                        + " VM(s); stop or move them first");
            }
            if (host.status() == HostStatus.UP) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Host " + host.name()
                        + " is Up; stop its agent (or put it in maintenance) before removing it");
            }
            h.createUpdate("DELETE FROM hosts WHERE id = :id").bind("id", id).execute();
            events.write(h, EventLog.Entry.info("HOST_REMOVED", "Host " + host.name() + " was removed"));
        });
    }
}
