package io.vireo.engine.pools;

import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.engine.storage.StorageJobParams;
import org.jdbi.v3.core.Handle;

import static java.util.Objects.requireNonNull;

/** Makes a new desktop's disks: thin overlays of its pool template's disks. */
public final class CreateDesktopJob implements JobHandler<StorageJobParams, CreateDesktopJob.Step> {
    public enum Step { CREATE_OVERLAYS }

    public static final JobKind<StorageJobParams, Step> KIND = JobKind.of("CREATE_DESKTOP", StorageJobParams.class, Step.class);

    private final DesktopJobs desktops;

    CreateDesktopJob(DesktopJobs desktops) {
        this.desktops = requireNonNull(desktops, "desktops");
    }

    @Override
    public JobKind<StorageJobParams, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<StorageJobParams> context) {
        desktops.makeOverlays(context, false);
    }

    @Override
    public void onSuccess(JobContext<StorageJobParams> context, Handle h) {
        desktops.overlaysReady(h, context.targetId());
    }

    @Override
    public void onFailure(JobContext<StorageJobParams> context, JobFailure failure) {
        desktops.overlaysFailed(context.targetId());
    }
}
