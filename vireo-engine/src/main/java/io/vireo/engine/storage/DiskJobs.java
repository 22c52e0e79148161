package io.vireo.engine.storage;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.model.Disk;
import io.vireo.model.DiskStatus;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.DiskCreateParams;
import io.vireo.model.rpc.PathParams;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** The jobs that make and remove disk images on a host of the disk's data center. */
public final class DiskJobs {
    public static final String CREATE_DISK = "CREATE_DISK";
    public static final String DELETE_DISK = "DELETE_DISK";
    static final String STEP_CREATE_IMAGE = "CREATE_IMAGE";
    static final String STEP_DELETE_IMAGE = "DELETE_IMAGE";

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

    public List<JobHandler> handlers() {
        return List.of(new Create(), new Delete());
    }

    private UUID pickHost(JobContext context) {
        return hostForStorage(UUID.fromString(context.params().get("dataCenterId").asText()));
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

    private final class Create implements JobHandler {
        @Override
        public String kind() {
            return CREATE_DISK;
        }

        @Override
        public void runStep(JobContext context, String step) {
            Disk disk = storage.disk(context.targetId());
            UUID host = pickHost(context);
            context.progress(10, "Creating the image on host " + host);
            try {
                gateway.call(host, AgentMethod.DISK_ENSURE_CREATED, DiskCreateParams.image(disk.path(), disk.sizeBytes(), disk.format()),
                        Duration.ofMinutes(10));
            } catch (AgentException e) {
                throw new JobFailure(e.code(), "Disk " + disk.name() + " could not be created: " + e.getMessage());
            }
        }

        @Override
        public void onSuccess(JobContext context, Handle h) {
            storage.setStatus(h, context.targetId(), DiskStatus.OK);
            Disk disk = storage.findDisk(h, context.targetId()).orElseThrow();
            events.write(h, EventLog.Entry.info("DISK_CREATED", "Disk " + disk.name() + " is ready (" + disk.path() + ")")
                    .job(context.jobId()));
        }

        @Override
        public void onFailure(JobContext context, JobFailure failure) {
            jdbi.useTransaction(h -> storage.setStatus(h, context.targetId(), DiskStatus.ILLEGAL));
        }
    }

    private final class Delete implements JobHandler {
        @Override
        public String kind() {
            return DELETE_DISK;
        }

        @Override
        public void runStep(JobContext context, String step) {
            storage.findDisk(context.targetId()).ifPresent(disk -> {
                UUID host = pickHost(context);
                try {
                    gateway.call(host, AgentMethod.DISK_ENSURE_DELETED, new PathParams(disk.path()));
                } catch (AgentException e) {
                    throw new JobFailure(e.code(), "Disk " + disk.name() + " could not be removed: " + e.getMessage());
                }
            });
        }

        @Override
        public void onSuccess(JobContext context, Handle h) {
            storage.findDisk(h, context.targetId()).ifPresent(disk -> {
                storage.deleteRow(h, context.targetId());
                events.write(h, EventLog.Entry.info("DISK_REMOVED", "Disk " + disk.name() + " was removed").job(context.jobId()));
            });
        }

        @Override
        public void onFailure(JobContext context, JobFailure failure) {
            jdbi.useTransaction(h -> storage.setStatus(h, context.targetId(), DiskStatus.ILLEGAL));
        }
    }
}
