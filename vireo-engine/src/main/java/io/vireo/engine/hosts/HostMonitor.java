package io.vireo.engine.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.hostlink.AgentLinkListener;
import io.vireo.engine.hostlink.AgentSession;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.Json;
import io.vireo.model.rpc.AgentEvent;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.AgentMethods;
import io.vireo.model.rpc.CertificateRequest;
import io.vireo.model.rpc.InstallCertificateParams;
import io.vireo.model.rpc.HostFacts;
import io.vireo.model.rpc.HostHelloResult;
import io.vireo.model.rpc.HostStatsReport;
import io.vireo.model.rpc.NoParams;
import io.vireo.model.rpc.VmStateChange;
import io.vireo.model.rpc.MigrationProgress;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Host liveness and what agents report. A host is Up while its agent's heartbeats arrive,
 * Connecting after {@link #CONNECTING_AFTER} of silence, and NonResponsive after the grace period;
 * then its VMs are Unknown. An agent that answers but cannot reach libvirt makes its host
 * NonOperational (its VMs Unknown, nothing starts there) until libvirt answers again. Agents' certificate requests are signed here and
 * answered with host.installCertificate; an agent that connects with a certificate of the CA before
 * a rotation is asked to renew it.
 */
public final class HostMonitor implements AgentLinkListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostMonitor.class);
    private static final ObjectMapper MAPPER = Json.lenientMapper();
    static final Duration CONNECTING_AFTER = Duration.ofSeconds(3);
    /** How the detail of a host NonOperational because libvirt does not answer begins. */
    static final String LIBVIRT_DETAIL = "libvirt on the host does not answer: ";

    private final Jdbi jdbi;
    private final HostRepository hosts;
    private final HostService hostService;
    private final AgentGateway gateway;
    private final List<HostObserver> observers;
    private final EventLog events;
    private final LeadershipLease leadership;
    private final Duration nonResponsiveAfter;
    private final Map<UUID, Instant> lastHeard = new ConcurrentHashMap<>();
    /** Hosts whose hello failed because libvirt did not answer: said again once the agent reports libvirt back. */
    private final java.util.Set<UUID> helloPending = ConcurrentHashMap.newKeySet();
    private final Instant startedAt = Instant.now();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("host-liveness").daemon().factory());

    public HostMonitor(Jdbi jdbi, HostRepository hosts, HostService hostService, AgentGateway gateway,
                       List<HostObserver> observers, EventLog events, LeadershipLease leadership, Duration nonResponsiveAfter) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hosts = requireNonNull(hosts, "hosts");
        this.hostService = requireNonNull(hostService, "hostService");
        this.gateway = requireNonNull(gateway, "gateway");
        this.observers = List.copyOf(observers);
        this.events = requireNonNull(events, "events");
        this.leadership = requireNonNull(leadership, "leadership");
        this.nonResponsiveAfter = requireNonNull(nonResponsiveAfter, "nonResponsiveAfter");
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::checkLiveness, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void connected(AgentSession session) {
        UUID hostId = session.hostId();
        gateway.register(session);
        lastHeard.put(hostId, Instant.now());
        hello(session);
        session.certificate().ifPresent(certificate -> {
            if (hostService.certificateInUse(hostId, certificate)) {
                askToRenew(hostId, certificate);
            }
        });
    }

    private void hello(AgentSession session) {
        UUID hostId = session.hostId();
        try {
            HostHelloResult hello = gateway.call(hostId, AgentMethod.HOST_HELLO, NoParams.INSTANCE, Duration.ofSeconds(30));
            HostFacts facts = hello.facts();
            Host host = hosts.find(hostId).orElseThrow();
            jdbi.useTransaction(h -> {
                hosts.recordFacts(h, hostId, facts);
                hosts.recordNics(h, hostId, facts.nics());
                HostStatus current = hosts.find(h, hostId).map(Host::status).orElse(HostStatus.INSTALLING);
                if (current == HostStatus.MAINTENANCE || current == HostStatus.PREPARING_FOR_MAINTENANCE) {
                    return;
                }
                hosts.setStatus(h, hostId, HostStatus.UP).ifPresent(previous -> events.write(h, EventLog.Entry.info("HOST_UP",
                        "Host " + host.name() + " is Up (" + facts.domainType() + " guests, " + facts.cpuCount() + " CPUs, "
                                + facts.memoryTotalKib() / 1024 + " MiB, libvirt " + facts.libvirtVersion() + ")").host(hostId)));
            });
            observers.forEach(observer -> observer.hostConnected(hostId, hello.vms(), hello.seq()));
        } catch (AgentException e) {
            if (e.rpcCode() != AgentMethods.ERROR_HOST_FAILURE) {
                log.warn("Host {} connected but its hello failed: {}", hostId, e.getMessage());
                session.close();
                return;
            }
            // the agent answers, libvirt on its host does not: keep the link, hear when libvirt is back
            helloPending.add(hostId);
            libvirtLost(hostId, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Host {} connected but its hello failed: {}", hostId, e.getMessage());
            session.close();
        }
    }

    @Override
    public void notification(UUID hostId, String method, JsonNode params) {
        lastHeard.put(hostId, Instant.now());
        try {
            switch (method) {
                case AgentMethods.EVENT_HEARTBEAT -> {
                }
                case AgentMethods.EVENT_VM_STATE_CHANGED -> {
                    VmStateChange change = MAPPER.treeToValue(params, AgentEvent.VM_STATE_CHANGED.paramsType());
                    observers.forEach(observer -> observer.vmChanged(hostId, change.observation(), change.seq()));
                }
                case AgentMethods.EVENT_MIGRATION_PROGRESS -> {
                    MigrationProgress progress = MAPPER.treeToValue(params, AgentEvent.MIGRATION_PROGRESS.paramsType());
                    observers.forEach(observer -> observer.migrationProgress(hostId, progress));
                }
                case AgentMethods.EVENT_HOST_STATS -> {
                    HostStatsReport report = MAPPER.treeToValue(params, AgentEvent.HOST_STATS.paramsType());
                    hosts.recordNics(hostId, report.nics());
                    if (report.libvirtError() != null) {
                        libvirtLost(hostId, report.libvirtError());
                        return;
                    }
                    if (helloPending.remove(hostId)) {
                        gateway.session(hostId).ifPresent(session -> Thread.ofVirtual().start(() -> hello(session)));
                        return;
                    }
                    libvirtBack(hostId);
                    hosts.recordStats(hostId, report.host());
                    observers.forEach(observer -> observer.vmsListed(hostId, report.vms(), report.seq()));
                }
                case AgentMethods.EVENT_CERTIFICATE_REQUEST -> {
                    CertificateRequest request = MAPPER.treeToValue(params, AgentEvent.CERTIFICATE_REQUEST.paramsType());
                    Thread.ofVirtual().name("certificate-" + hostId).start(() -> renew(hostId, request));
                }
                default -> log.debug("Host {} sent an unknown notification {}", hostId, method);
            }
        } catch (Exception e) {
            log.warn("Cannot apply {} from host {}: {}", method, hostId, e.getMessage());
        }
    }

    /** Signs the agent's request and sends it the certificate, over the session it asked on. */
    private void renew(UUID hostId, CertificateRequest request) {
        try {
            X509Certificate presented = gateway.session(hostId).flatMap(AgentSession::certificate)
                    .orElseThrow(() -> new IllegalStateException("the agent is connected no more"));
            InstallCertificateParams issued = hostService.renewCertificate(hostId, presented, request.csrPem());
            gateway.call(hostId, AgentMethod.HOST_INSTALL_CERTIFICATE, issued, Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            // the agent asks again a while later, with a new key; the certificate it holds stays accepted
            log.warn("Cannot renew the certificate of host {}: {}", hostId, e.getMessage());
        }
    }

    private void askToRenew(UUID hostId, X509Certificate certificate) {
        Thread.ofVirtual().name("certificate-" + hostId).start(() -> {
            try {
                log.info("Host {} connected with a certificate of the CA before the last rotation ({}); asking it to renew",
                        hostId, certificate.getIssuerX500Principal().getName());
                gateway.call(hostId, AgentMethod.HOST_RENEW_CERTIFICATE, NoParams.INSTANCE, Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                log.warn("Cannot ask host {} to renew its certificate: {}", hostId, e.getMessage());
            }
        });
    }

    @Override
    public void disconnected(AgentSession session) {
        if (gateway.unregister(session)) {
            log.info("The agent of host {} disconnected", session.hostId());
        }
    }

    /** The agent answers but libvirt on its host does not: NonOperational, its VMs Unknown (from Up only, once). */
    private void libvirtLost(UUID hostId, String reason) {
        hosts.find(hostId).filter(host -> host.status() == HostStatus.UP || host.status() == HostStatus.INSTALLING
                || host.status() == HostStatus.CONNECTING).ifPresent(host -> {
            String detail = LIBVIRT_DETAIL + reason;
            if (transition(host, HostStatus.NON_OPERATIONAL, detail, "Host " + host.name() + " is NonOperational: " + detail)) {
                observers.forEach(observer -> observer.hostLost(hostId, "libvirt on its host " + host.name() + " does not answer"));
            }
        });
    }

    private void libvirtBack(UUID hostId) {
        // NonOperational for its networks is the networks feature's to end, not libvirt's
        hosts.find(hostId).filter(host -> host.status() == HostStatus.NON_OPERATIONAL && (host.statusDetail() == null
                || host.statusDetail().startsWith(LIBVIRT_DETAIL))).ifPresent(host ->
                transition(host, HostStatus.UP, null, "Host " + host.name() + " is Up again: libvirt on it answers"));
    }

    private void checkLiveness() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            Instant now = Instant.now();
            List<Host> watched = hosts.withStatus(HostStatus.UP, HostStatus.CONNECTING, HostStatus.NON_OPERATIONAL);
            for (Host host : watched) {
                UUID id = UUID.fromString(host.id());
                Instant heard = lastHeard.getOrDefault(id, startedAt);
                Duration silence = Duration.between(heard, now);
                if ((host.status() == HostStatus.UP || host.status() == HostStatus.NON_OPERATIONAL)
                        && silence.compareTo(CONNECTING_AFTER) > 0) {
                    transition(host, HostStatus.CONNECTING, "Host " + host.name() + " is Connecting: no word from its agent for "
                            + silence.toSeconds() + " s");
                } else if (host.status() == HostStatus.CONNECTING && gateway.isConnected(id)
                        && silence.compareTo(CONNECTING_AFTER) <= 0) {
                    transition(host, HostStatus.UP, "Host " + host.name() + " is Up again");
                } else if (host.status() == HostStatus.CONNECTING && silence.compareTo(nonResponsiveAfter) > 0) {
                    transition(host, HostStatus.NON_RESPONSIVE, "Host " + host.name() + " is NonResponsive: no word from its agent for "
                            + silence.toSeconds() + " s");
                    observers.forEach(observer -> observer.hostLost(id, "its host " + host.name() + " does not respond"));
                    gateway.session(id).ifPresent(AgentSession::close);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Host liveness check failed: {}", e.getMessage());
        }
    }

    private void transition(Host host, HostStatus status, String message) {
        transition(host, status, null, message);
    }

    /** Moves the host to the status with the event; false when it was in that status already. */
    private boolean transition(Host host, HostStatus status, String detail, String message) {
        UUID id = UUID.fromString(host.id());
        return jdbi.inTransaction(h -> hosts.setStatus(h, id, status, detail).map(previous -> {
            EventLog.Entry entry = status == HostStatus.UP ? EventLog.Entry.info("HOST_" + status.name(), message)
                    : EventLog.Entry.warning("HOST_" + status.name(), message);
            events.write(h, entry.host(id));
            return true;
        }).orElse(false));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
