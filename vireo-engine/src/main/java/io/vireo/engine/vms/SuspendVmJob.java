package io.vireo.engine.vms;

import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.engine.jobs.NoParams;
import io.vireo.model.rpc.AgentMethod;
import org.jdbi.v3.core.Handle;

import static java.util.Objects.requireNonNull;

/** Pauses a running VM where it runs. */
public final class SuspendVmJob implements JobHandler<NoParams, SuspendVmJob.Step> {
    public enum Step { PAUSE }

    public static final JobKind<NoParams, Step> KIND = JobKind.of("SUSPEND_VM", NoParams.class, Step.class);

    private final VmJobs jobs;

    SuspendVmJob(VmJobs jobs) {
        this.jobs = requireNonNull(jobs, "jobs");
    }

    public static VmActionRequest<NoParams> request() {
        return new VmActionRequest<>(VmAction.SUSPEND, KIND, NoParams.NONE);
    }

    @Override
    public JobKind<NoParams, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<NoParams> context) {
        jobs.ensure(context, AgentMethod.VM_ENSURE_PAUSED);
    }

    @Override
    public void onSuccess(JobContext<NoParams> context, Handle h) {
        jobs.report(h, context, "VM_SUSPEND_DONE", " was suspended (paused)");
    }
}
