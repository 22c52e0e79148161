package io.vireo.engine.storage;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.model.DiskStatus;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.rpc.AgentMethod;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The jobs that make and remove disk images on a host of the disk's data center ({@link CreateDiskJob},
 * {@link DeleteDiskJob}), and the choice of that host, which the desktops' jobs use too.
 */
public final class DiskJobs {
    private final Jdbi jdbi;
    private final StorageService storage;
    private final HostService hosts;
    private final AgentGateway gateway;
    private final EventLog events;

    public DiskJobs(Jdbi jdbi, StorageService storage, HostService hosts, AgentGateway gateway, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.storage = requireNonNull(storage, "storage");
        this.hosts = requireNonNull(hosts, "hosts");
        this.gateway = requireNonNull(gateway, "gateway");
        this.events = requireNonNull(events, "events");
    }

    public List<JobHandler<?, ?>> handlers() {
        return List.of(new CreateDiskJob(this), new DeleteDiskJob(this));
    }

    StorageService storage() {
        return storage;
    }

    /** A host of the job's data center to run its image command. */
    UUID hostFor(JobContext<StorageJobParams> context) {
        return hostForStorage(context.params().dataCenterId());
    }

    /** Sends an image command; the agent's refusal fails the step, its sentence after {@code failure}. */
    <P, R> void call(UUID host, AgentMethod<P, R> method, P params, Duration timeout, String failure) {
        try {
            gateway.call(host, method, params, timeout);
        } catch (AgentException e) {
            throw new JobFailure(e.code(), failure + e.getMessage());
        }
    }


    void report(Handle h, JobContext<StorageJobParams> context, String code, String message) {
        events.write(h, EventLog.Entry.info(code, message).job(context.jobId()));
    }

    /** A connected Up host of the data center, to work on its storage (make, reset, remove images). */
    public UUID hostForStorage(UUID dataCenterId) {
        List<Host> candidates = hosts.upHostsInDataCenter(dataCenterId).stream()
                .filter(host -> gateway.isConnected(UUID.fromString(host.id()))).toList();
        if (candidates.isEmpty()) {
            throw new JobFailure(ErrorCode.NO_HOST_AVAILABLE, "No host of the data center is Up to work on the storage");
        }
        return UUID.fromString(candidates.getFirst().id());
    }

    /** A disk whose image could not be made or removed is unusable until someone removes it. */
    void markIllegal(UUID diskId) {
        jdbi.useTransaction(h -> storage.setStatus(h, diskId, DiskStatus.ILLEGAL));
    }
}
