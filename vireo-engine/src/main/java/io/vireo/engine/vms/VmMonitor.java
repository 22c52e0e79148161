package io.vireo.engine.vms;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.hosts.HostObserver;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.jobs.StateChanges;
import io.vireo.model.Host;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import io.vireo.model.rpc.GuestState;
import io.vireo.model.rpc.VmObservation;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Applies what hosts report about their VMs to the VMs' observed status. The host is the truth
 * about what the engine placed on it: a VM it runs is adopted, a VM it no longer holds is Down. A
 * host is not trusted about anything else: a report of a VM of another cluster, or of one that the
 * engine placed on another host, is refused (logged, and nothing changes).
 */
public final class VmMonitor implements HostObserver {
    private static final Logger log = LoggerFactory.getLogger(VmMonitor.class);
    /**
     * A periodic full list may have been taken just before a VM started; a VM whose status changed
     * this recently is not marked Down for being absent from such a list (explicit events still apply).
     */
    private static final Duration ABSENCE_GRACE = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final VmRepository vms;
    private final HostService hosts;
    private final EventLog events;
    private final StateChanges changes;
    /** Per host and VM, the number of the newest report applied; an older report crossing a newer one is dropped. */
    private final java.util.Map<String, Long> newest = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<UUID, String> hostClusters = new java.util.concurrent.ConcurrentHashMap<>();

    public VmMonitor(Jdbi jdbi, VmRepository vms, HostService hosts, EventLog events, StateChanges changes) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hosts = requireNonNull(hosts, "hosts");
        this.vms = requireNonNull(vms, "vms");
        this.events = requireNonNull(events, "events");
        this.changes = requireNonNull(changes, "changes");
    }

    public static VmStatus statusOf(GuestState state) {
        return switch (state) {
            case RUNNING -> VmStatus.UP;
            case PAUSED -> VmStatus.PAUSED;
            case SHUTTING_DOWN -> VmStatus.POWERING_DOWN;
            case SHUTOFF, CRASHED, MIGRATED -> VmStatus.DOWN;
        };
    }

    @Override
    public void hostConnected(UUID hostId, List<VmObservation> observations, long seq) {
        forgetHost(hostId);
        reconcileHost(hostId, observations, seq, true);
    }

    @Override
    public void vmChanged(UUID hostId, VmObservation observation, long seq) {
        observe(hostId, observation, seq);
    }

    @Override
    public void vmsListed(UUID hostId, List<VmObservation> observations, long seq) {
        reconcileHost(hostId, observations, seq, false);
    }

    /** One VM's state as its host reports it (an event or a command's answer), without a report number. */
    public void observe(UUID hostId, VmObservation observation) {
        observe(hostId, observation, 0);
    }

    /**
     * One VM's state as its host reports it, numbered by the agent (0 when unknown): a report older
     * than one already applied for that VM on that host is stale and dropped.
     */
    public void observe(UUID hostId, VmObservation observation, long seq) {
        observe(hostId, clusterOf(hostId), observation, seq);
    }

    /** A host's cluster, remembered: no operation moves a host to another cluster (one that does must forget it here). */
    private Optional<String> clusterOf(UUID hostId) {
        String known = hostClusters.get(hostId);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<String> cluster = hosts.find(hostId).map(Host::clusterId);
        cluster.ifPresent(id -> hostClusters.put(hostId, id));
        return cluster;
    }

    private void observe(UUID hostId, Optional<String> hostCluster, VmObservation observation, long seq) {
        UUID vmId = observation.id();
        if (!fresh(hostId, vmId, seq)) {
            log.debug("Dropped a stale report of {} from host {} (#{})", observation.name(), hostId, seq);
            return;
        }
        jdbi.useTransaction(h -> vms.lock(h, vmId).ifPresentOrElse(
                vm -> {
                    if (trusted(vm, hostId, hostCluster, observation)) {
                        apply(h, vm, hostId, observation);
                    }
                },
                () -> log.debug("Host {} runs {} ({}), which Vireo does not manage", hostId, observation.name(), vmId)));
        // after the commit, so that a job waiting for this VM reads what was applied
        changes.changed(vmId);
    }

    /** Records that the engine acted on a VM on a host as of that report number (e.g. it powered the VM off). */
    public void acted(UUID hostId, UUID vmId, long seq) {
        fresh(hostId, vmId, seq);
    }

    /** A host's agent (re)connected: it may have restarted and numbers its reports from zero again. */
    public void forgetHost(UUID hostId) {
        String prefix = hostId + "/";
        newest.keySet().removeIf(key -> key.startsWith(prefix));
    }

    private boolean fresh(UUID hostId, UUID vmId, long seq) {
        if (seq <= 0) {
            return true;
        }
        String key = hostId + "/" + vmId;
        long previous = newest.merge(key, seq, Math::max);
        return previous == seq;
    }

    private boolean newerThan(UUID hostId, UUID vmId, long seq) {
        Long known = newest.get(hostId + "/" + vmId);
        return seq > 0 && known != null && known > seq;
    }

    /** The full list of a host: everything not in it, that the engine thought ran there, is Down. */
    public void reconcileHost(UUID hostId, List<VmObservation> observations, boolean afterConnect) {
        reconcileHost(hostId, observations, 0, afterConnect);
    }

    public void reconcileHost(UUID hostId, List<VmObservation> observations, long seq, boolean afterConnect) {
        Optional<String> hostCluster = clusterOf(hostId);
        for (VmObservation observation : observations) {
            observe(hostId, hostCluster, observation, seq);
        }
        Set<UUID> present = observations.stream().map(VmObservation::id).collect(Collectors.toSet());
        Instant recent = Instant.now().minus(ABSENCE_GRACE);
        List<UUID> gone = jdbi.inTransaction(h -> {
            List<UUID> marked = new java.util.ArrayList<>();
            for (Vm vm : vms.onHost(h, hostId)) {
                if (present.contains(UUID.fromString(vm.id())) || vm.status() == VmStatus.DOWN || vm.status() == VmStatus.MIGRATING_FROM) {
                    continue;
                }
                if (!afterConnect && vm.statusChangedAt().isAfter(recent) || newerThan(hostId, UUID.fromString(vm.id()), seq)) {
                    continue;
                }
                UUID vmId = UUID.fromString(vm.id());
                vms.lock(h, vmId).ifPresent(locked -> markGone(h, locked, hostId));
                marked.add(vmId);
            }
            return marked;
        });
        gone.forEach(changes::changed);
    }

    /** A host stopped answering: what ran there is Unknown until it is back or proven fenced. */
    @Override
    public void hostLost(UUID hostId, String why) {
        List<UUID> unknown = jdbi.inTransaction(h -> {
            List<UUID> marked = new java.util.ArrayList<>();
            for (Vm vm : vms.onHost(h, hostId)) {
                if (vm.status() != VmStatus.DOWN && vm.status() != VmStatus.UNKNOWN) {
                    UUID vmId = UUID.fromString(vm.id());
                    vms.setStatus(h, vmId, VmStatus.UNKNOWN, hostId, DisplayPorts.of(vm));
                    events.write(h, EventLog.Entry.warning("VM_UNKNOWN", "VM " + vm.name() + " is Unknown: " + why).vm(vmId).host(hostId));
                    marked.add(vmId);
                }
            }
            return marked;
        });
        unknown.forEach(changes::changed);
    }

    /**
     * Whether the host may report on the VM: a VM of its own cluster that the engine placed on it
     * or moves to it, or one of its cluster that runs nowhere (found running there, it is adopted).
     */
    private static boolean trusted(Vm vm, UUID hostId, Optional<String> hostCluster, VmObservation observation) {
        String host = hostId.toString();
        if (hostCluster.isEmpty() || !hostCluster.get().equals(vm.clusterId())) {
            log.warn("Refused a report from host {}: VM {} ({}) is not of the host's cluster", hostId, vm.name(), vm.id());
            return false;
        }
        boolean placedHere = host.equals(vm.hostId()) || host.equals(vm.migratingToHostId());
        boolean runsNowhere = vm.hostId() == null && vm.status() == VmStatus.DOWN;
        if (!placedHere && !runsNowhere) {
            log.warn("Refused a report from host {}: VM {} ({}) is {} on host {}, not on this one; "
                    + "the host said {}", hostId, vm.name(), vm.id(), vm.status(), vm.hostId(), observation.state());
            return false;
        }
        return true;
    }

    private void apply(Handle h, Vm vm, UUID hostId, VmObservation observation) {
        if (vm.status() == VmStatus.MIGRATING_FROM || observation.state() == GuestState.MIGRATED) {
            // the migration job decides where the VM is once the source host has answered
            return;
        }
        VmStatus status = statusOf(observation.state());
        UUID vmId = UUID.fromString(vm.id());
        Optional<UUID> currentHost = Optional.ofNullable(vm.hostId()).map(UUID::fromString);
        if (status == VmStatus.DOWN) {
            if (currentHost.isEmpty() || currentHost.get().equals(hostId)) {
                markGone(h, vm, hostId);
            }
            return;
        }
        if (currentHost.isPresent() && !currentHost.get().equals(hostId)) {
            // the migration's destination reporting it before the job moved it there: the job decides
            return;
        }
        DisplayPorts display = DisplayPorts.of(observation);
        vms.recordStatistics(h, vmId, observation.cpuTimeNanos());
        if (vm.status() != status || !hostId.toString().equals(vm.hostId())) {
            vms.setStatus(h, vmId, status, hostId, display);
            if (vm.status() == VmStatus.UNKNOWN || vm.status() == VmStatus.DOWN && vm.desiredState().equals("DOWN")) {
                events.write(h, EventLog.Entry.info("VM_ADOPTED", "VM " + vm.name() + " was found " + status.name()
                        + " on its host and adopted").vm(vmId).host(hostId));
            } else {
                events.write(h, EventLog.Entry.info("VM_" + status.name(), "VM " + vm.name() + " is " + readable(status))
                        .vm(vmId).host(hostId));
            }
        } else if (!display.equals(DisplayPorts.of(vm))) {
            vms.setStatus(h, vmId, status, hostId, display);
        }
    }

    private void markGone(Handle h, Vm vm, UUID hostId) {
        if (vm.status() == VmStatus.DOWN) {
            return;
        }
        UUID vmId = UUID.fromString(vm.id());
        vms.setStatus(h, vmId, VmStatus.DOWN, null, DisplayPorts.NONE);
        if (vm.desiredState().equals("DOWN")) {
            events.write(h, EventLog.Entry.info("VM_DOWN", "VM " + vm.name() + " is Down").vm(vmId).host(hostId));
        } else {
            vms.setDesiredState(h, vmId, "DOWN");
            events.write(h, EventLog.Entry.warning("VM_DOWN_UNEXPECTEDLY", "VM " + vm.name()
                    + " is Down: it stopped without a request through Vireo (crashed, powered off in the guest, "
                    + "or destroyed on the host)").vm(vmId).host(hostId));
        }
    }

    private static String readable(VmStatus status) {
        return switch (status) {
            case UP -> "Up";
            case PAUSED -> "Paused";
            case POWERING_DOWN -> "powering down";
            default -> status.name();
        };
    }
}
