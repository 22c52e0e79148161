package io.vireo.engine.pools;

import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.engine.storage.StorageJobParams;
import org.jdbi.v3.core.Handle;

import static java.util.Objects.requireNonNull;

/** Makes a desktop that came back from its user fresh: new overlays of the template's disks (a stateless pool). */
public final class ResetDesktopJob implements JobHandler<StorageJobParams, ResetDesktopJob.Step> {
    public enum Step { RESET_OVERLAYS }

    public static final JobKind<StorageJobParams, Step> KIND = JobKind.of("RESET_DESKTOP", StorageJobParams.class, Step.class);

    private final DesktopJobs desktops;

    ResetDesktopJob(DesktopJobs desktops) {
        this.desktops = requireNonNull(desktops, "desktops");
    }

    @Override
    public JobKind<StorageJobParams, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<StorageJobParams> context) {
        desktops.makeOverlays(context, true);
    }

    @Override
    public void onSuccess(JobContext<StorageJobParams> context, Handle h) {
        desktops.overlaysReady(h, context.targetId());
        desktops.reportReset(h, context);
    }

    @Override
    public void onFailure(JobContext<StorageJobParams> context, JobFailure failure) {
        desktops.overlaysFailed(context.targetId());
    }
}
