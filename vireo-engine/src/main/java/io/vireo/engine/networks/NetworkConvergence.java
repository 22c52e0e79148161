package io.vireo.engine.networks;

import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.hosts.HostObserver;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.Network;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.BridgeOutcome;
import io.vireo.model.rpc.BridgedNetwork;
import io.vireo.model.rpc.EnsureBridgedParams;
import io.vireo.model.rpc.EnsureBridgedResult;
import io.vireo.model.rpc.EnsureRemovedParams;
import io.vireo.model.rpc.HostNic;
import io.vireo.model.rpc.NicKind;
import io.vireo.model.rpc.VmObservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * On the leader, brings each host to carry the networks of its cluster, like the VM monitor brings VMs
 * to their desired state: every round (and at once when an agent connects) it compares the networks
 * attached to the host's cluster with the interfaces the host reported, sends network.ensureBridged
 * for what is missing (all the cluster's networks: the command is idempotent) and network.ensureRemoved
 * for a Vireo bridge no network of the cluster needs. A host that cannot carry a required network is
 * NonOperational with the agent's reason, and Up again once it carries them all. A host is asked again
 * for the same thing only after {@link #RETRY_AFTER}, so a refusal does not become a storm of calls.
 */
public final class NetworkConvergence implements HostObserver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetworkConvergence.class);
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final NetworkService networks;
    private final HostService hosts;
    private final AgentGateway gateway;
    private final LeadershipLease leadership;
    private final Clock clock;
    private final Duration interval;
    /** What each host was last asked for, and when: asked again only when it changes or after RETRY_AFTER. */
    private final Map<UUID, Attempt> attempts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("network-convergence").daemon().factory());

    private record Attempt(List<BridgedNetwork> asked, List<String> removed, Instant at) {
    }

    public NetworkConvergence(NetworkService networks, HostService hosts, AgentGateway gateway, LeadershipLease leadership,
                              Clock clock, Duration interval) {
        this.networks = requireNonNull(networks, "networks");
        this.hosts = requireNonNull(hosts, "hosts");
        this.gateway = requireNonNull(gateway, "gateway");
        this.leadership = requireNonNull(leadership, "leadership");
        this.clock = requireNonNull(clock, "clock");
        this.interval = requireNonNull(interval, "interval");
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A host (re)connected: its networks are checked at once, and it is asked again whatever it was asked before. */
    @Override
    public void hostConnected(UUID hostId, List<VmObservation> vms, long seq) {
        attempts.remove(hostId);
        timer.execute(this::round);
    }

    /** One pass over the hosts; the timer's thread runs it, so two passes never overlap. */
    void round() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            Map<UUID, List<NetworkRepository.Attached>> byCluster = networks.attachedByCluster();
            Set<String> vireoBridges = networks.knownBridges();
            for (Host host : hosts.withStatus(HostStatus.UP, HostStatus.NON_OPERATIONAL)) {
                UUID hostId = UUID.fromString(host.id());
                if (!gateway.isConnected(hostId) || nonOperationalForAnotherReason(host)) {
                    continue;
                }
                try {
                    converge(host, byCluster.getOrDefault(UUID.fromString(host.clusterId()), List.of()), vireoBridges);
                } catch (RuntimeException e) {
                    log.warn("Cannot bring host {} to carry its networks: {}", host.name(), e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            log.warn("Network convergence round failed: {}", e.getMessage());
        }
    }

    private static boolean nonOperationalForAnotherReason(Host host) {
        return host.status() == HostStatus.NON_OPERATIONAL
                && (host.statusDetail() == null || !host.statusDetail().startsWith(HostService.NETWORK_DETAIL));
    }

    private void converge(Host host, List<NetworkRepository.Attached> attached, Set<String> vireoBridges) {
        UUID hostId = UUID.fromString(host.id());
        Map<String, HostNic> nics = NetworkService.byName(hosts.nics(hostId));
        List<Network> missing = attached.stream().map(NetworkRepository.Attached::network)
                .filter(network -> !NetworkService.carries(nics, network)).toList();
        Set<String> wanted = new java.util.HashSet<>();
        attached.forEach(a -> wanted.add(a.network().bridge()));
        // a bridge of a network that is no longer attached (or removed: its name looks like one of ours)
        List<String> unwanted = nics.values().stream().filter(nic -> nic.kind() == NicKind.BRIDGE && !wanted.contains(nic.name())
                && (vireoBridges.contains(nic.name()) || looksLikeOurs(nic.name()))).map(HostNic::name).sorted().toList();
        List<BridgedNetwork> asked = attached.stream().map(a -> NetworkService.bridged(a.network())).toList();
        Attempt previous = attempts.get(hostId);
        Instant now = clock.instant();
        boolean due = previous == null || !previous.asked().equals(asked) || !previous.removed().equals(unwanted)
                || Duration.between(previous.at(), now).compareTo(RETRY_AFTER) >= 0;
        if (missing.isEmpty() && host.status() == HostStatus.NON_OPERATIONAL) {
            hosts.networkProblem(hostId, Optional.empty());
        }
        if ((missing.isEmpty() && unwanted.isEmpty()) || !due) {
            return;
        }
        attempts.put(hostId, new Attempt(asked, unwanted, now));
        if (!missing.isEmpty()) {
            EnsureBridgedResult result = gateway.call(hostId, AgentMethod.NETWORK_ENSURE_BRIDGED, new EnsureBridgedParams(asked),
                    CALL_TIMEOUT);
            hosts.recordNics(hostId, result.nics());
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < result.outcomes().size() && i < attached.size(); i++) {
                BridgeOutcome outcome = result.outcomes().get(i);
                NetworkRepository.Attached network = attached.get(i);
                if (!outcome.carried()) {
                    log.warn("Host {} cannot carry network {}: {}", host.name(), network.network().name(), outcome.error());
                    if (network.required()) {
                        problems.add(network.network().name() + " (" + outcome.error() + ")");
                    }
                }
            }
            hosts.networkProblem(hostId, problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)));
        }
        if (!unwanted.isEmpty()) {
            gateway.call(hostId, AgentMethod.NETWORK_ENSURE_REMOVED, new EnsureRemovedParams(unwanted), CALL_TIMEOUT).outcomes()
                    .stream().filter(BridgeOutcome::carried)
                    .forEach(kept -> log.info("Host {} keeps bridge {}: {}", host.name(), kept.bridge(), kept.error()));
        }
    }

    /** The engine names bridges "vn" and ten hex digits. */
    static boolean looksLikeOurs(String name) {
        return name.matches("vn[0-9a-f]{10}");
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
