package io.vireo.engine.migration;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.hosts.HostObserver;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobService;
import io.vireo.engine.jobs.JobTarget;
import io.vireo.engine.jobs.StateChanges;
import io.vireo.engine.placement.VmPlacement;
import io.vireo.engine.vms.DisplayPorts;
import io.vireo.engine.vms.HostWiring;
import io.vireo.engine.vms.VmService;
import io.vireo.model.Cluster;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.MigrateParams;
import io.vireo.model.rpc.MigrationPolicy;
import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.MigrationResult;
import io.vireo.model.rpc.VmIdParams;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Live migration of one VM, as steps a job runs: choose a destination and wait for a free slot,
 * migrate (the source agent drives libvirt peer to peer), confirm the VM runs on the destination.
 * Used by the migrate action, host maintenance and the balancer.
 */
public final class MigrationService implements HostObserver {
    private static final Logger log = LoggerFactory.getLogger(MigrationService.class);
    static final Duration MIGRATION_LIMIT = Duration.ofMinutes(30);
    private static final Duration SLOT_WITHIN = Duration.ofMinutes(30);

    private final Jdbi jdbi;
    private final VmService vms;
    private final HostService hosts;
    private final DataCenterService dataCenters;
    private final VmPlacement placement;
    private final AgentGateway gateway;
    private final EventLog events;
    private final JobService jobs;
    private final StateChanges changes;
    private final HostWiring wiring;
    /** The migrations this engine runs, by VM: the job to show progress on and the source host allowed to report it. */
    private final Map<UUID, InFlight> inFlight = new ConcurrentHashMap<>();

    private record InFlight(JobContext<?> context, UUID source) {
    }

    public MigrationService(Jdbi jdbi, VmService vms, HostService hosts, DataCenterService dataCenters,
                            VmPlacement placement, AgentGateway gateway, JobService jobs, EventLog events,
                            StateChanges changes, HostWiring wiring) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.vms = requireNonNull(vms, "vms");
        this.hosts = requireNonNull(hosts, "hosts");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.placement = requireNonNull(placement, "placement");
        this.gateway = requireNonNull(gateway, "gateway");
        this.jobs = requireNonNull(jobs, "jobs");
        this.events = requireNonNull(events, "events");
        this.changes = requireNonNull(changes, "changes");
        this.wiring = requireNonNull(wiring, "wiring");
    }

    /** Records a live migration of a running VM to the given host, or to the one the scheduler picks; answers the job. */
    public UUID request(UUID vmId, UUID hostId) {
        return jdbi.inTransaction(h -> {
            Vm vm = vms.lock(h, vmId);
            vms.refuseIfBusy(h, vm);
            if (vm.status() != VmStatus.UP) {
                throw new ConflictException(ErrorCode.VM_NOT_UP, "Cannot migrate VM " + vm.name() + ": it is " + vm.status()
                        + "; only a running VM migrates live");
            }
            if (hostId != null) {
                Host host = hosts.host(h, hostId);
                if (!host.clusterId().equals(vm.clusterId())) {
                    throw InvalidInputException.invalid("hostId", "Host " + host.name() + " is not in the VM's cluster");
                }
                if (hostId.toString().equals(vm.hostId())) {
                    throw InvalidInputException.invalid("hostId", "VM " + vm.name() + " already runs on host " + host.name());
                }
                if (host.status() != HostStatus.UP) {
                    throw new ConflictException(ErrorCode.HOST_NOT_UP, "Host " + host.name() + " is " + host.status()
                            + "; a VM can only migrate to an Up host");
                }
            }
            UUID job = jobs.create(h, MigrateVmJob.KIND, JobTarget.vm(vmId), "Migrate VM " + vm.name(),
                    new MigrateVmJob.Params(hostId));
            events.write(h, EventLog.Entry.info("VM_MIGRATE_REQUESTED", "Migration of VM " + vm.name() + " was requested")
                    .vm(vmId).job(job));
            return job;
        });
    }

    Vm vm(UUID vmId) {
        return vms.find(vmId).orElseThrow(() -> new JobFailure(ErrorCode.VM_NOT_FOUND, "The VM of this migration no longer exists"));
    }

    /**
     * Picks the destination (the requested host, or the scheduler's choice) unless one was recorded,
     * waits for the cluster's limits on concurrent migrations, and marks the VM MigratingFrom.
     */
    UUID prepare(JobContext<?> context, MigrationKeys keys, UUID vmId, UUID requested, Set<UUID> excluded)
            throws InterruptedException {
        Vm vm = vm(vmId);
        if (context.state(keys.destination()).isPresent()) {
            return context.state(keys.destination()).get();
        }
        if (vm.status() != VmStatus.UP || vm.hostId() == null) {
            throw new JobFailure(ErrorCode.VM_NOT_UP, "VM " + vm.name() + " cannot migrate: it is " + vm.status());
        }
        UUID source = UUID.fromString(vm.hostId());
        Cluster cluster = dataCenters.cluster(UUID.fromString(vm.clusterId()));
        UUID destination = placement.chooseForMigration(vm, requested, excluded);
        awaitSlot(context, cluster, source, destination);
        context.putState(keys.source(), source);
        context.putState(keys.destination(), destination);
        jdbi.useTransaction(h -> vms.startMigration(h, vmId, destination));
        return destination;
    }

    /** Waits until the source may send and the destination receive one more migration; each ending one wakes it. */
    private void awaitSlot(JobContext<?> context, Cluster cluster, UUID source, UUID destination) throws InterruptedException {
        boolean free = context.await(UUID.fromString(cluster.id()), () -> {
            int outgoing = vms.migrationsFrom(source);
            int incoming = vms.migrationsTo(destination);
            if (outgoing < cluster.maxOutgoingMigrations() && incoming < cluster.maxIncomingMigrations()) {
                return true;
            }
            context.progress(0, "Waiting for a migration slot (" + outgoing + " out of the source, " + incoming
                    + " into the destination)");
            return false;
        }, SLOT_WITHIN);
        if (!free) {
            throw new JobFailure(ErrorCode.VM_BUSY, "No migration slot came free within 30 minutes");
        }
    }


    /** Runs the migration on the source host; a repeat after a crash attaches to it or finds it done. */
    MigrationResult migrate(JobContext<?> context, MigrationKeys keys, UUID vmId) {
        Vm vm = vm(vmId);
        UUID source = context.state(keys.source()).orElseThrow();
        UUID destination = context.state(keys.destination()).orElseThrow();
        Host destinationHost = hosts.find(destination).orElseThrow(() -> new JobFailure(ErrorCode.HOST_NOT_FOUND,
                "The destination host no longer exists"));
        MigrationPolicy policy = policyOf(vm);
        try {
            // the destination carries the VM's networks before the guest arrives
            wiring.prepare(vmId, destination);
        } catch (RuntimeException e) {
            restoreOnSource(vmId, source);
            throw new JobFailure(ErrorCode.MIGRATION_FAILED, "VM " + vm.name() + " did not migrate to " + destinationHost.name()
                    + ": its networks could not be readied there: " + e.getMessage());
        }
        inFlight.put(vmId, new InFlight(context, source));
        MigrationResult result;
        try {
            result = gateway.call(source, AgentMethod.VM_MIGRATE, new MigrateParams(vmId, destinationUri(destinationHost), policy),
                    MIGRATION_LIMIT);
        } catch (AgentException e) {
            restoreOnSource(vmId, source);
            throw new JobFailure(e.code(), "VM " + vm.name() + " could not migrate to " + destinationHost.name() + ": " + e.getMessage());
        } finally {
            inFlight.remove(vmId);
        }
        switch (result.outcome()) {
            case COMPLETED -> completed(context, vm, source, destinationHost, result);
            case CANCELLED -> {
                restoreOnSource(vmId, source);
                throw new JobFailure(ErrorCode.MIGRATION_CANCELLED, "The migration of VM " + vm.name() + " was cancelled");
            }
            default -> {
                restoreOnSource(vmId, source);
                throw new JobFailure(ErrorCode.MIGRATION_FAILED, "VM " + vm.name() + " did not migrate to "
                        + destinationHost.name() + ": " + result.message());
            }
        }
        return result;
    }

    private void completed(JobContext<?> context, Vm vm, UUID source, Host destination, MigrationResult result) {
        UUID vmId = UUID.fromString(vm.id());
        String sourceName = hosts.find(source).map(Host::name).orElse(source.toString());
        jdbi.useTransaction(h -> {
            vms.setStatus(h, vmId, VmStatus.UP, UUID.fromString(destination.id()), DisplayPorts.NONE);
            events.write(h, EventLog.Entry.info("VM_MIGRATED", "VM " + vm.name() + " migrated from " + sourceName + " to "
                    + destination.name() + " in " + result.totalMs() + " ms, downtime " + result.downtimeMs() + " ms"
                    + (result.postCopy() ? " (finished in post-copy)" : "")).vm(vmId).host(UUID.fromString(destination.id()))
                    .job(context.jobId()));
        });
        ended(vm);
        log.info("VM {} migrated {} -> {}: total {} ms, downtime {} ms", vm.name(), sourceName, destination.name(),
                result.totalMs(), result.downtimeMs());
    }

    /** A migration that did not happen leaves the VM Up where it was. */
    private void restoreOnSource(UUID vmId, UUID source) {
        Optional<Vm> restored = jdbi.inTransaction(h -> vms.tryLock(h, vmId).filter(vm -> vm.status() == VmStatus.MIGRATING_FROM)
                .map(vm -> {
                    vms.setStatus(h, vmId, VmStatus.UP, source, DisplayPorts.of(vm));
                    return vm;
                }));
        restored.ifPresent(this::ended);
    }

    /** A migration's end is committed: the job confirming the VM, and those waiting for a slot in its cluster, look again. */
    private void ended(Vm vm) {
        changes.changed(UUID.fromString(vm.id()));
        changes.changed(UUID.fromString(vm.clusterId()));
    }

    /** After a failure outside the migrate step (e.g. no destination), nothing may stay MigratingFrom. */
    void abandon(JobContext<?> context, MigrationKeys keys, UUID vmId) {
        context.state(keys.source()).ifPresent(source -> restoreOnSource(vmId, source));
    }

    /** Asks the source host to abort the migration in flight; false when none runs. */
    public boolean cancel(Vm vm) {
        if (vm.status() != VmStatus.MIGRATING_FROM || vm.hostId() == null) {
            return false;
        }
        return gateway.call(UUID.fromString(vm.hostId()), AgentMethod.VM_CANCEL_MIGRATION, new VmIdParams(UUID.fromString(vm.id())),
                Duration.ofSeconds(30)).cancelled();
    }

    /** Progress pushed by a source agent, shown on the step of the job that migrates the VM. */
    @Override
    public void migrationProgress(UUID hostId, MigrationProgress progress) {
        InFlight migration = inFlight.get(progress.vmId());
        if (migration == null) {
            return;
        }
        if (!migration.source().equals(hostId)) {
            log.warn("Refused a report from host {}: it is not the source of the migration of VM {}", hostId, progress.vmId());
            return;
        }
        migration.context().progress(Math.max(0, Math.min(99, progress.percent())), progress.phase() + ": "
                + progress.dataRemainingBytes() / (1024 * 1024) + " MiB left, max downtime " + progress.currentMaxDowntimeMs() + " ms");
    }

    MigrationPolicy policyOf(Vm vm) {
        MigrationPolicy base = dataCenters.cluster(UUID.fromString(vm.clusterId())).migrationPolicy();
        return vm.migrationPolicy() == null ? base : vm.migrationPolicy().applyTo(base);
    }

    /**
     * Where a source libvirtd reaches the destination's: over TLS, at the address the destination's
     * certificate names (docs/libvirt-tls.md). The source's agent adds where its own certificate is.
     */
    static String destinationUri(Host destination) {
        String address = destination.address();
        return "qemu+tls://" + (address.contains(":") ? "[" + address + "]" : address) + "/system";
    }
}
