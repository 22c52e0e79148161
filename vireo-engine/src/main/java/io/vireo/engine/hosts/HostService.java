package io.vireo.engine.hosts;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.UnauthenticatedException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.Paging;
import io.vireo.engine.store.ReferencedRows;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.UniqueNames;
import io.vireo.engine.store.Visibility;
import org.jdbi.v3.core.Handle;
import io.vireo.engine.auth.Secrets;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.Pem;
import io.vireo.model.rpc.InstallCertificateParams;
import org.jdbi.v3.core.Jdbi;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.vireo.model.rpc.HostNic;
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
    private final DisplayAccess displays;
    private final HostRepository hosts;
    private final DataCenterService dataCenters;
    private final CertificateAuthority authority;
    private final EventLog events;
    private final Supplier<String> agentEndpoint;
    private final Duration certificateLifetime;

    /** @param certificateLifetime how long the certificates signed for agents live (they renew at two thirds) */
    public HostService(Jdbi jdbi, HostRepository hosts, DataCenterService dataCenters, CertificateAuthority authority,
                       EventLog events, Supplier<String> agentEndpoint, DisplayAccess displays,
                       Duration certificateLifetime) {
        this.displays = requireNonNull(displays, "displays");
        this.certificateLifetime = requireNonNull(certificateLifetime, "certificateLifetime");
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
        displays.refusal(address).ifPresent(refusal -> {
            throw InvalidInputException.invalid("address", "The address '" + address + "' is " + refusal
                    + ": the engine connects to a host's address for consoles and migrations, so it must be the host's own "
                    + "address on the network (only an all-in-one engine allows local addresses)");
        });
        UUID clusterId = Fields.id("clusterId", request.clusterId());
        dataCenters.cluster(clusterId);
        UUID id = UUID.randomUUID();
        String token = Secrets.randomToken();
        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(TOKEN_LIFETIME);
        UniqueNames.insert(jdbi, "host", name, h -> {
            hosts.insert(h, id, name, address, clusterId, Secrets.sha256(token), expires);
            events.write(h, EventLog.Entry.info("HOST_ADDED", "Host " + name + " (" + address
                    + ") was added; it becomes Up when its agent enrolls and connects").host(id));
            return id;
        });
        return new Host.Created(host(id), token, expires.toInstant(), authority.fingerprint());
    }

    /** Signs the agent's certificate request in exchange for the host's one-time token. */
    public Host.Enrollment enroll(Host.EnrollRequest request) {
        Fields.required("body", request);
        String token = Fields.required("token", request.token());
        String csr = Fields.required("csrPem", request.csrPem());
        return jdbi.inTransaction(h -> {
            HostRepository.PendingEnrollment pending = hosts.lockPendingEnrollment(h, Secrets.sha256(token))
                    .orElseThrow(() -> new UnauthenticatedException(ErrorCode.TOKEN_INVALID,
                            "The enrollment token is not valid: it is wrong, or it was used already"));
            if (pending.expires().isBefore(Instant.now())) {
                throw new UnauthenticatedException(ErrorCode.TOKEN_INVALID, "The enrollment token of host " + pending.name()
                        + " has expired; remove and add the host again");
            }
            X509Certificate certificate;
            try {
                certificate = authority.signHost(csr, pending.hostId().toString(), pending.address(), certificateLifetime);
            } catch (IllegalArgumentException e) {
                throw InvalidInputException.invalid("csrPem", "The certificate request cannot be used: " + e.getMessage());
            }
            hosts.markEnrolled(h, pending.hostId(), certificate.getSerialNumber().toString(16));
            events.write(h, EventLog.Entry.info("HOST_ENROLLED", "Host " + pending.name() + " enrolled; its agent holds a "
                    + "certificate signed by this engine").host(pending.hostId()));
            return new Host.Enrollment(pending.hostId().toString(), Pem.write(certificate),
                    authority.certificatePem(), agentEndpoint.get());
        });
    }

    /** How many hosts are in each status (for the inventory gauges); a status no host is in is left out. */
    public Map<HostStatus, Integer> countByStatus() {
        return hosts.countByStatus();
    }

    public Host host(UUID id) {
        return hosts.find(id).orElseThrow(() -> NotFoundException.of(ErrorCode.HOST_NOT_FOUND, "host", id));
    }

    public Host host(Handle h, UUID id) {
        return hosts.find(h, id).orElseThrow(() -> NotFoundException.of(ErrorCode.HOST_NOT_FOUND, "host", id));
    }

    /** Locks the host's row for the rest of the caller's transaction. */
    public Host lock(Handle h, UUID id) {
        return hosts.lock(h, id).orElseThrow(() -> NotFoundException.of(ErrorCode.HOST_NOT_FOUND, "host", id));
    }

    public Optional<Host> find(UUID id) {
        return hosts.find(id);
    }

    public Optional<Host> find(Handle h, UUID id) {
        return hosts.find(h, id);
    }

    /** A page of the hosts the caller may see that match the search ({@link #SEARCH_FIELDS}), by name. */
    public List<Host> list(Visibility visible, Optional<String> search, Paging paging) {
        return hosts.list(visible, SearchQuery.parse(search.orElse(null), SEARCH_FIELDS).predicate(), paging);
    }

    public List<Host> withStatus(HostStatus... statuses) {
        return hosts.withStatus(statuses);
    }

    public List<SchedulableHost> schedulable(Handle h, UUID clusterId) {
        return hosts.schedulable(h, clusterId);
    }

    public List<Host> upHostsInCluster(Handle h, UUID clusterId) {
        return hosts.upHostsInCluster(h, clusterId);
    }

    public List<Host> upHostsInDataCenter(UUID dataCenterId) {
        return hosts.upHostsInDataCenter(dataCenterId);
    }

    /** Whether a host's agent may connect with a certificate of this serial (hex). */
    public boolean acceptsCertificate(UUID hostId, String serial) {
        return hosts.acceptsCertificate(hostId, serial);
    }

    /**
     * Signs a new certificate for a connected agent's request; the certificate it connected with
     * ({@code presented}) stays accepted until it connects with the new one.
     *
     * @return what the agent installs: the certificate and the CAs it trusts from now on
     */
    public InstallCertificateParams renewCertificate(UUID hostId, X509Certificate presented, String csrPem) {
        return jdbi.inTransaction(h -> {
            Host host = lock(h, hostId);
            X509Certificate certificate;
            try {
                certificate = authority.signHost(csrPem, hostId.toString(), host.address(), certificateLifetime);
            } catch (IllegalArgumentException e) {
                throw InvalidInputException.invalid("csrPem", "The certificate request cannot be used: " + e.getMessage());
            }
            hosts.renewCertificate(h, hostId, certificate.getSerialNumber().toString(16),
                    presented.getSerialNumber().toString(16));
            events.write(h, EventLog.Entry.info("HOST_CERTIFICATE_RENEWED", "The certificate of host " + host.name()
                    + "'s agent was renewed; the new one is valid until " + certificate.getNotAfter().toInstant()).host(hostId));
            return new InstallCertificateParams(Pem.write(certificate),
                    authority.trusted().stream().map(Pem::write).toList());
        });
    }

    /**
     * An agent connected with this certificate: the one before its latest is accepted no more, and
     * whether it should renew at once (a certificate of the CA before a rotation).
     */
    public boolean certificateInUse(UUID hostId, X509Certificate certificate) {
        hosts.forgetPreviousCertificate(hostId, certificate.getSerialNumber().toString(16));
        return !authority.issued(certificate);
    }

    /** Sets a host's status (e.g. maintenance); answers the previous one if it changed. */
    public Optional<HostStatus> setStatus(Handle h, UUID hostId, HostStatus status) {
        return hosts.setStatus(h, hostId, status);
    }

    /** The host's network interfaces as its agent reported them last (empty before its first report). */
    public List<HostNic> nics(UUID hostId) {
        host(hostId);
        return hosts.nics(hostId);
    }

    /** The interfaces each host of the cluster reported last, inside the caller's transaction. */
    public Map<UUID, List<HostNic>> nicsInCluster(Handle h, UUID clusterId) {
        return hosts.nicsInCluster(h, clusterId);
    }

    public void recordNics(UUID hostId, List<HostNic> nics) {
        hosts.recordNics(hostId, nics);
    }

    /**
     * What the networks feature found: with a problem, an Up host becomes NonOperational with the
     * problem as its detail; without one, a host NonOperational for its networks is Up again. A host
     * NonOperational for another reason (libvirt) is left to that reason's owner.
     */
    public void networkProblem(UUID hostId, Optional<String> problem) {
        jdbi.useTransaction(h -> {
            Optional<Host> found = hosts.lock(h, hostId);
            if (found.isEmpty()) {
                return;
            }
            Host host = found.get();
            boolean ownProblem = host.status() == HostStatus.NON_OPERATIONAL && host.statusDetail() != null
                    && host.statusDetail().startsWith(NETWORK_DETAIL);
            if (problem.isPresent() && (host.status() == HostStatus.UP
                    || (ownProblem && !host.statusDetail().equals(NETWORK_DETAIL + problem.get())))) {
                String detail = NETWORK_DETAIL + problem.get();
                hosts.setStatus(h, hostId, HostStatus.NON_OPERATIONAL, detail);
                if (ownProblem) {
                    hosts.setDetail(h, hostId, detail);
                }
                events.write(h, EventLog.Entry.warning("HOST_NON_OPERATIONAL", "Host " + host.name() + " is NonOperational: "
                        + detail).host(hostId));
            } else if (problem.isEmpty() && ownProblem) {
                hosts.setStatus(h, hostId, HostStatus.UP, null);
                events.write(h, EventLog.Entry.info("HOST_UP", "Host " + host.name() + " is Up again: it carries the "
                        + "required networks of its cluster").host(hostId));
            }
        });
    }

    /** How the detail of a host NonOperational for its networks begins. */
    public static final String NETWORK_DETAIL = "it cannot carry a required network: ";

    /** Removes a host that is not Up and that no VM runs on, prefers or migrates to (the database's references decide). */
    public void delete(UUID id) {
        Host host = host(id);
        if (host.status() == HostStatus.UP) {
            throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Host " + host.name()
                    + " is Up; stop its agent (or put it in maintenance) before removing it");
        }
        ReferencedRows.remove(jdbi, h -> {
            hosts.delete(h, id);
            events.write(h, EventLog.Entry.info("HOST_REMOVED", "Host " + host.name() + " was removed"));
        }, "Host " + host.name() + " still has VMs: some run there, prefer it or are migrating to it; move or change them "
                + "first");
    }

    /** What the console may connect to for a VM's display; see {@link DisplayAccess}. */
    public DisplayAccess displays() {
        return displays;
    }
}
