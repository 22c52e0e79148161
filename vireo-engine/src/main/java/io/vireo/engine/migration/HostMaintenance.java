package io.vireo.engine.migration;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.NotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobService;
import io.vireo.engine.vms.VmService;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Host maintenance: deactivate moves every VM off the host by live migration (a job step per VM),
 * then sets the host Maintenance; a VM that can go nowhere stops the job with the reason, and the
 * host is Up again. Activate brings a host in Maintenance back.
 */
public final class HostMaintenance implements JobHandler {
    public static final String KIND = "DEACTIVATE_HOST";
    private static final String STEP_PREFIX = "EVACUATE ";
    private static final String FINAL_STEP = "ENTER_MAINTENANCE";

    private final Jdbi jdbi;
    private final HostService hosts;
    private final VmService vms;
    private final JobService jobs;
    private final MigrationService migrations;
    private final EventLog events;

    public HostMaintenance(Jdbi jdbi, HostService hosts, VmService vms, JobService jobs, MigrationService migrations,
                           EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hosts = requireNonNull(hosts, "hosts");
        this.vms = requireNonNull(vms, "vms");
        this.jobs = requireNonNull(jobs, "jobs");
        this.migrations = requireNonNull(migrations, "migrations");
        this.events = requireNonNull(events, "events");
    }

    /** Starts evacuating the host; answers the job. */
    public UUID deactivate(UUID hostId) {
        return jdbi.inTransaction(h -> {
            Host host = lockedHost(h, hostId);
            if (host.status() == HostStatus.MAINTENANCE || host.status() == HostStatus.PREPARING_FOR_MAINTENANCE) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Host " + host.name() + " is " + host.status() + " already");
            }
            jobs.openJobFor(h, hostId).ifPresent(job -> {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Host " + host.name() + " is busy with job " + job);
            });
            List<Vm> running = vms.onHost(h, hostId).stream().filter(vm -> vm.status() != VmStatus.DOWN).toList();
            List<String> steps = new ArrayList<>();
            for (Vm vm : running) {
                steps.add(STEP_PREFIX + vm.name());
            }
            steps.add(FINAL_STEP);
            hosts.setStatus(h, hostId, HostStatus.PREPARING_FOR_MAINTENANCE);
            UUID job = jobs.create(h, KIND, "host", hostId, "Move " + running.size() + " VM(s) off host " + host.name()
                    + " and put it in maintenance", Map.of("vmIds", running.stream().map(Vm::id).toList()), steps);
            events.write(h, EventLog.Entry.info("HOST_PREPARING_FOR_MAINTENANCE", "Host " + host.name()
                    + " is preparing for maintenance: " + running.size() + " VM(s) to move").host(hostId).job(job));
            return job;
        });
    }

    public Host activate(UUID hostId) {
        jdbi.useTransaction(h -> {
            Host host = lockedHost(h, hostId);
            if (host.status() != HostStatus.MAINTENANCE) {
                throw new ConflictException(ErrorCode.HOST_NOT_IN_MAINTENANCE, "Host " + host.name() + " is " + host.status()
                        + ", not in maintenance");
            }
            // Connecting until its agent's heartbeat is seen again; the liveness check makes it Up
            hosts.setStatus(h, hostId, HostStatus.CONNECTING);
            events.write(h, EventLog.Entry.info("HOST_ACTIVATED", "Host " + host.name() + " left maintenance").host(hostId));
        });
        return hosts.find(hostId).orElseThrow();
    }

    private Host lockedHost(Handle h, UUID hostId) {
        return hosts.lock(h, hostId);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void runStep(JobContext context, String step) throws InterruptedException {
        UUID hostId = context.targetId();
        if (step.equals(FINAL_STEP)) {
            enterMaintenance(hostId);
            return;
        }
        Vm vm = vmNamed(context, step.substring(STEP_PREFIX.length())).orElse(null);
        if (vm == null || vm.status() == VmStatus.DOWN || !hostId.toString().equals(vm.hostId())
                && vm.status() != VmStatus.MIGRATING_FROM) {
            return;
        }
        UUID vmId = UUID.fromString(vm.id());
        String key = vmId + ".";
        migrations.prepare(context, key, vmId, null, Set.of(hostId));
        Vm current = migrations.vm(vmId);
        if (current.status() == VmStatus.MIGRATING_FROM) {
            migrations.migrate(context, key, vmId);
        }
    }

    /** The VM a step evacuates, among those the job was made for; gone when it was removed meanwhile. */
    private java.util.Optional<Vm> vmNamed(JobContext context, String vmName) {
        for (JsonNode id : context.params().path("vmIds")) {
            java.util.Optional<Vm> vm = vms.find(UUID.fromString(id.asText()));
            if (vm.isPresent() && vm.get().name().equals(vmName)) {
                return vm;
            }
        }
        return java.util.Optional.empty();
    }

    private void enterMaintenance(UUID hostId) {
        jdbi.useTransaction(h -> {
            List<Vm> left = vms.onHost(h, hostId).stream().filter(vm -> vm.status() != VmStatus.DOWN).toList();
            if (!left.isEmpty()) {
                throw new JobFailure(ErrorCode.ENTITY_IN_USE, "VM(s) still run on the host: "
                        + String.join(", ", left.stream().map(Vm::name).toList()));
            }
            hosts.setStatus(h, hostId, HostStatus.MAINTENANCE);
            String name = hosts.find(h, hostId).map(Host::name).orElse(hostId.toString());
            events.write(h, EventLog.Entry.info("HOST_MAINTENANCE", "Host " + name + " is in maintenance").host(hostId));
        });
    }

    @Override
    public void onFailure(JobContext context, JobFailure failure) {
        for (JsonNode id : context.params().path("vmIds")) {
            migrations.abandon(context, id.asText() + ".", UUID.fromString(id.asText()));
        }
        jdbi.useTransaction(h -> {
            if (hosts.find(h, context.targetId()).map(Host::status).orElse(null) == HostStatus.PREPARING_FOR_MAINTENANCE) {
                hosts.setStatus(h, context.targetId(), HostStatus.UP);
                events.write(h, EventLog.Entry.warning("HOST_MAINTENANCE_FAILED", "Host " + context.targetId()
                        + " stays Up: " + failure.getMessage()).host(context.targetId()));
            }
        });
    }
}
