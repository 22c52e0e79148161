package io.vireo.engine.migration;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobService;
import io.vireo.engine.vms.VmService;
import io.vireo.engine.jobs.JobTarget;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Host maintenance: deactivate starts a {@link DeactivateHostJob}, which moves every VM off the host
 * and sets it Maintenance; activate brings a host in Maintenance back.
 */
public final class HostMaintenance {
    private final Jdbi jdbi;
    private final HostService hosts;
    private final VmService vms;
    private final JobService jobs;
    private final EventLog events;

    public HostMaintenance(Jdbi jdbi, HostService hosts, VmService vms, JobService jobs, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hosts = requireNonNull(hosts, "hosts");
        this.vms = requireNonNull(vms, "vms");
        this.jobs = requireNonNull(jobs, "jobs");
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
            List<DeactivateHostJob.Evacuee> running = vms.onHost(h, hostId).stream().filter(vm -> vm.status() != VmStatus.DOWN)
                    .map(vm -> new DeactivateHostJob.Evacuee(UUID.fromString(vm.id()), vm.name())).toList();
            hosts.setStatus(h, hostId, HostStatus.PREPARING_FOR_MAINTENANCE);
            UUID job = jobs.create(h, DeactivateHostJob.KIND, JobTarget.host(hostId), "Move " + running.size()
                    + " VM(s) off host " + host.name() + " and put it in maintenance", new DeactivateHostJob.Params(running));
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
}
