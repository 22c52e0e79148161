package io.vireo.engine.networks;

import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.hosts.HostObserver;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.OverlayConvergeResult;
import io.vireo.model.rpc.OverlayState;
import io.vireo.model.rpc.VmObservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * On the leader, brings every host's overlay wiring to what {@link OverlayPlan} says: each round it reads
 * a snapshot of the provider and the hosts, plans, and sends overlay.converge to each host whose state
 * changed since it was last sent (or {@link #REPAIR_AFTER} ago, which rebuilds what was lost behind the
 * engine's back, a rebooted host's namespaces for one), and at once to a host that (re)connects. Before a
 * VM starts or migrates in, {@link #prepare} sends its host the state with the VM's ports in it, so that
 * the wiring is there before the guest is.
 */
public final class OverlayConvergence implements HostObserver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OverlayConvergence.class);
    static final Duration REPAIR_AFTER = Duration.ofSeconds(60);
    static final Duration RETRY_AFTER = Duration.ofSeconds(20);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    /** Reads the provider's objects, the hosts that can carry wiring and where VMs are (and, when given, one more VM placement). */
    @FunctionalInterface
    public interface Snapshots {
        OverlayPlan.Snapshot read(Placement extra);
    }

    /** A VM about to run on a host, counted there by a plan made before it starts or migrates in. */
    public record Placement(UUID vmId, UUID hostId) {
    }

    /** Where the plan put things, for the provider's read-only fields (binding:host_id, status). */
    @FunctionalInterface
    public interface Bindings {
        void record(OverlayPlan.Snapshot snapshot, OverlayPlan.Result result);
    }

    /** @param complete false when the host refused part of it: asked again after RETRY_AFTER */
    private record Sent(OverlayState state, Instant at, boolean complete) {
    }

    private final Snapshots snapshots;
    private final Bindings bindings;
    private final AgentGateway gateway;
    private final LeadershipLease leadership;
    private final Clock clock;
    private final Duration interval;
    private final Map<UUID, Sent> sent = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("overlay-convergence").daemon().factory());

    public OverlayConvergence(Snapshots snapshots, Bindings bindings, AgentGateway gateway, LeadershipLease leadership, Clock clock,
                              Duration interval) {
        this.snapshots = requireNonNull(snapshots, "snapshots");
        this.bindings = requireNonNull(bindings, "bindings");
        this.gateway = requireNonNull(gateway, "gateway");
        this.leadership = requireNonNull(leadership, "leadership");
        this.clock = requireNonNull(clock, "clock");
        this.interval = requireNonNull(interval, "interval");
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void hostConnected(UUID hostId, List<VmObservation> vms, long seq) {
        sent.remove(hostId);
        timer.execute(this::round);
    }

    /** Asks for a round soon (after a change through the API), instead of at the next tick. */
    public void nudge() {
        timer.execute(this::round);
    }

    /**
     * Sends the host its state with the VM counted there, and waits for it: the VM's segments, port
     * filters and DHCP entries exist on the host when this returns. A VM without overlay ports costs one
     * snapshot and no call when the host's state does not change.
     *
     * @throws IllegalStateException when the host refused a port or segment of the VM's (what else it refused
     *     is tried again by the next round, and does not keep the VM from starting)
     * @throws RuntimeException when the host could not be reached
     */
    public void prepare(UUID vmId, UUID hostId) {
        OverlayPlan.Snapshot snapshot = snapshots.read(new Placement(vmId, hostId));
        OverlayPlan.Result result = OverlayPlan.plan(snapshot);
        OverlayState state = result.states().get(hostId.toString());
        List<OverlayPlan.PlanPort> ports = snapshot.ports().stream().filter(p -> vmId.toString().equals(p.deviceId())).toList();
        if (state == null || ports.isEmpty()) {
            return;
        }
        Sent last = sent.get(hostId);
        if (last != null && last.complete() && last.state().equals(state)) {
            return;
        }
        Set<String> needed = ports.stream().map(OverlayPlan.PlanPort::id).collect(Collectors.toSet());
        ports.forEach(p -> needed.add(p.networkId()));
        List<OverlayConvergeResult.Outcome> refused = send(hostId, state).stream()
                .filter(o -> ("port".equals(o.kind()) || "segment".equals(o.kind())) && needed.contains(o.id())).toList();
        if (!refused.isEmpty()) {
            throw new IllegalStateException("the host cannot wire the VM's network: " + refused.getFirst().error());
        }
    }

    /** One pass; the timer's thread runs it, so two passes never overlap. */
    void round() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            OverlayPlan.Snapshot snapshot = snapshots.read(null);
            OverlayPlan.Result result = OverlayPlan.plan(snapshot);
            Instant now = clock.instant();
            for (Map.Entry<String, OverlayState> entry : result.states().entrySet()) {
                UUID hostId = UUID.fromString(entry.getKey());
                Sent last = sent.get(hostId);
                boolean due = last == null || !last.state().equals(entry.getValue())
                        || Duration.between(last.at(), now).compareTo(last.complete() ? REPAIR_AFTER : RETRY_AFTER) >= 0;
                if (!due || !gateway.isConnected(hostId)) {
                    continue;
                }
                try {
                    send(hostId, entry.getValue());
                } catch (RuntimeException e) { // the agent's own failure; a refusal is logged by send
                    log.warn("Cannot bring host {} to its overlay wiring: {}", hostId, e.getMessage());
                }
            }
            bindings.record(snapshot, result);
        } catch (RuntimeException e) {
            log.warn("Overlay convergence round failed: {}", e.getMessage());
        }
    }

    /** Sends the state; answers what the host refused (asked again after RETRY_AFTER, not at every round). */
    private List<OverlayConvergeResult.Outcome> send(UUID hostId, OverlayState state) {
        sent.remove(hostId);
        OverlayConvergeResult result = gateway.call(hostId, AgentMethod.OVERLAY_CONVERGE, state, CALL_TIMEOUT);
        List<OverlayConvergeResult.Outcome> refused = result.outcomes().stream().filter(o -> !o.done()).toList();
        sent.put(hostId, new Sent(state, clock.instant(), refused.isEmpty()));
        refused.forEach(o -> log.warn("Host {} refused overlay {} {}: {}", hostId, o.kind(), o.id(), o.error()));
        return refused;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
