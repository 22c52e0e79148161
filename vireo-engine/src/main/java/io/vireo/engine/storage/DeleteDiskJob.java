package io.vireo.engine.storage;

import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.PathParams;
import org.jdbi.v3.core.Handle;

import static java.util.Objects.requireNonNull;

/** Removes a disk's image on a host of its data center, then the disk. */
public final class DeleteDiskJob implements JobHandler<StorageJobParams, DeleteDiskJob.Step> {
    public enum Step { DELETE_IMAGE }

    public static final JobKind<StorageJobParams, Step> KIND = JobKind.of("DELETE_DISK", StorageJobParams.class, Step.class);

    private final DiskJobs disks;

    DeleteDiskJob(DiskJobs disks) {
        this.disks = requireNonNull(disks, "disks");
    }

    @Override
    public JobKind<StorageJobParams, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<StorageJobParams> context) {
        disks.storage().findDisk(context.targetId()).ifPresent(disk -> disks.call(disks.hostFor(context),
                AgentMethod.DISK_ENSURE_DELETED, new PathParams(disk.path()), AgentGateway.DEFAULT_TIMEOUT,
                "Disk " + disk.name() + " could not be removed: "));
    }

    @Override
    public void onSuccess(JobContext<StorageJobParams> context, Handle h) {
        disks.storage().findDisk(h, context.targetId()).ifPresent(disk -> {
            disks.storage().deleteRow(h, context.targetId());
            disks.report(h, context, "DISK_REMOVED", "Disk " + disk.name() + " was removed");
        });
    }

    @Override
    public void onFailure(JobContext<StorageJobParams> context, JobFailure failure) {
        disks.markIllegal(context.targetId());
    }
}
