package io.vireo.agent.hypervisor;

import io.vireo.agent.hypervisor.Hypervisor.StateChangeListener;
import io.vireo.model.rpc.GuestState;
import io.vireo.model.rpc.VmObservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.UUID;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Tells listeners when a VM's state changes. libvirt's lifecycle events make it quick; a slower
 * poll is the safety net for what events cannot tell: changes while the connection was down (a
 * restarted libvirtd reports a VM that died meanwhile simply as absent) or events lost in flight.
 * Events and polls are handled on one thread, in order, and a change is announced only when the
 * state differs from the last one announced, so the two sources never contradict each other.
 * <p>
 * A VM that leaves by live migration is announced as migrated, never as shut off (which the engine
 * would take for a crash): libvirt's stopped-migrated event says so, and while an outgoing migration
 * runs the poll does not take the VM's absence for a shutoff; the migration's end decides.
 */
final class VmStateMonitor implements OutgoingMigrations.Departures, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VmStateMonitor.class);
    /** How long a VM's shutoff is remembered, so that a late event does not announce it twice. */
    private static final long TOMBSTONE_NANOS = Duration.ofMinutes(1).toNanos();

    /** Where the monitor looks when it needs the truth. */
    interface Source {
        List<VmObservation> listVms();

        Optional<VmObservation> findVm(UUID vmId);
    }

    private record Known(VmObservation observation, long sinceNanos) {
    }

    private final Source source;
    private final LongSupplier nanoClock;
    private final List<StateChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<UUID, Known> known = new HashMap<>();
    private final ScheduledExecutorService thread;
    private final Set<UUID> departing = ConcurrentHashMap.newKeySet();
    private boolean seeded;

    VmStateMonitor(Source source) {
        this(source, System::nanoTime);
    }

    VmStateMonitor(Source source, LongSupplier nanoClock) {
        this.source = requireNonNull(source, "source");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "vm-state-monitor");
            thread.setDaemon(true);
            return thread;
        });
    }

    void addListener(StateChangeListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    /** Starts polling; the first poll only learns what runs, it announces nothing. */
    void start(Duration pollInterval) {
        thread.scheduleWithFixedDelay(this::pollQuietly, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Called from libvirt's event thread: hands the event over and returns at once. */
    void eventReceived(UUID vmId, String name, GuestState impliedState) {
        submit(() -> handleEvent(vmId, name, impliedState));
    }

    /** Asks for a poll soon, e.g. after a reconnect when events may have been missed. */
    void resync() {
        submit(this::pollQuietly);
    }

    @Override
    public void departureExpected(UUID vmId) {
        departing.add(requireNonNull(vmId, "vmId"));
    }

    @Override
    public void departureEnded(UUID vmId, boolean departed) {
        submit(() -> {
            departing.remove(vmId);
            if (departed) {
                Known last = known.get(vmId);
                record(DomainObservations.migrated(vmId, last == null ? null : last.observation().name()));
            }
            else {
                pollQuietly();
            }
        });
    }

    /** Waits until the monitor's thread has handled what was handed to it so far (for tests). */
    void awaitIdle() {
        try {
            thread.submit(() -> { }).get(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the VM state monitor's thread does not respond", e);
        }
    }

    private void submit(Runnable task) {
        try {
            thread.execute(task);
        }
        catch (RejectedExecutionException e) {
            log.debug("VM state monitor is closed; dropping a task");
        }
    }

    /** Only for the monitor thread (or a test that never calls start). */
    void handleEvent(UUID vmId, String name, GuestState impliedState) {
        VmObservation observation;
        if (GuestState.SHUTOFF.equals(impliedState)) {
            observation = DomainObservations.gone(vmId, name);
        }
        else if (GuestState.MIGRATED.equals(impliedState)) {
            observation = DomainObservations.migrated(vmId, name);
        }
        else {
            try {
                // The domain as it is now beats what the event implied: later events may already be queued.
                observation = source.findVm(vmId).orElse(DomainObservations.gone(vmId, name));
            }
            catch (HypervisorException e) {
                if (impliedState == null) {
                    log.debug("cannot look at VM {} after an event: {}", vmId, e.getMessage());
                    return;
                }
                observation = new VmObservation(vmId, name, impliedState, -1, -1, 0, 0, 0);
            }
            if (isSwitchOver(observation)) {
                return;
            }
        }
        record(observation);
    }

    /**
     * The switch-over of an outgoing migration pauses the VM for a moment, then it is gone: neither
     * is news. The migration's end tells what became of it (migrated, or as the poll then finds it).
     */
    private boolean isSwitchOver(VmObservation observation) {
        return departing.contains(observation.id())
                && (observation.state().equals(GuestState.PAUSED) || observation.state().equals(GuestState.SHUTOFF));
    }

    /** Only for the monitor thread (or a test that never calls start). */
    void poll() {
        List<VmObservation> current = source.listVms();
        long now = nanoClock.getAsLong();
        if (!seeded) {
            current.forEach(observation -> known.put(observation.id(), new Known(observation, now)));
            seeded = true;
            return;
        }
        Set<UUID> present = new HashSet<>();
        for (VmObservation observation : current) {
            present.add(observation.id());
            record(observation);
        }
        for (Known entry : List.copyOf(known.values())) {
            VmObservation last = entry.observation();
            if (!present.contains(last.id()) && !isGone(last) && !departing.contains(last.id())) {
                record(DomainObservations.gone(last.id(), last.name()));
            }
        }
        known.values().removeIf(entry -> isGone(entry.observation()) && now - entry.sinceNanos() > TOMBSTONE_NANOS);
    }

    private static boolean isGone(VmObservation observation) {
        return observation.state().equals(GuestState.SHUTOFF) || observation.state().equals(GuestState.MIGRATED);
    }

    private void pollQuietly() {
        try {
            poll();
        }
        catch (HypervisorException e) {
            // Not seeing the VMs is not seeing them gone: announce nothing until libvirt answers again.
            log.debug("VM state poll failed: {}", e.getMessage());
        }
        catch (RuntimeException e) {
            log.warn("VM state poll failed", e);
        }
    }

    private void record(VmObservation observation) {
        Known previous = known.get(observation.id());
        if (previous != null && previous.observation().state().equals(observation.state())) {
            known.put(observation.id(), new Known(observation, previous.sinceNanos()));
            return;
        }
        known.put(observation.id(), new Known(observation, nanoClock.getAsLong()));
        for (StateChangeListener listener : listeners) {
            try {
                listener.stateChanged(observation);
            }
            catch (RuntimeException e) {
                log.warn("a VM state listener failed on {}", observation, e);
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
