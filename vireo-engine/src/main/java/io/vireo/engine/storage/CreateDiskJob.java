package io.vireo.engine.storage;

import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.model.Disk;
import io.vireo.model.DiskStatus;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.DiskCreateParams;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** Makes a new disk's image on a host of its data center; the disk is OK then, ILLEGAL if that failed. */
public final class CreateDiskJob implements JobHandler<StorageJobParams, CreateDiskJob.Step> {
    public enum Step { CREATE_IMAGE }

    public static final JobKind<StorageJobParams, Step> KIND = JobKind.of("CREATE_DISK", StorageJobParams.class, Step.class);

    private final DiskJobs disks;

    CreateDiskJob(DiskJobs disks) {
        this.disks = requireNonNull(disks, "disks");
    }

    @Override
    public JobKind<StorageJobParams, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<StorageJobParams> context) {
        Disk disk = disks.storage().disk(context.targetId());
        UUID host = disks.hostFor(context);
        context.progress(10, "Creating the image on host " + host);
        disks.call(host, AgentMethod.DISK_ENSURE_CREATED, DiskCreateParams.image(disk.path(), disk.sizeBytes(), disk.format()),
                Duration.ofMinutes(10), "Disk " + disk.name() + " could not be created: ");
    }

    @Override
    public void onSuccess(JobContext<StorageJobParams> context, Handle h) {
        disks.storage().setStatus(h, context.targetId(), DiskStatus.OK);
        Disk disk = disks.storage().findDisk(h, context.targetId()).orElseThrow();
        disks.report(h, context, "DISK_CREATED", "Disk " + disk.name() + " is ready (" + disk.path() + ")");
    }

    @Override
    public void onFailure(JobContext<StorageJobParams> context, JobFailure failure) {
        disks.markIllegal(context.targetId());
    }
}
