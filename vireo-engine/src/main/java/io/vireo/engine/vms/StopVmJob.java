package io.vireo.engine.vms;

import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.engine.jobs.NoParams;
import io.vireo.model.Vm;
import org.jdbi.v3.core.Handle;

import static java.util.Objects.requireNonNull;

/** Powers a VM off at once (the guest is not asked). */
public final class StopVmJob implements JobHandler<NoParams, StopVmJob.Step> {
    public enum Step { POWER_OFF }

    public static final JobKind<NoParams, Step> KIND = JobKind.of("STOP_VM", NoParams.class, Step.class);

    private final VmJobs jobs;

    StopVmJob(VmJobs jobs) {
        this.jobs = requireNonNull(jobs, "jobs");
    }

    public static VmActionRequest<NoParams> request() {
        return new VmActionRequest<>(VmAction.STOP, KIND, NoParams.NONE);
    }

    @Override
    public JobKind<NoParams, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<NoParams> context) {
        Vm vm = jobs.vm(context);
        if (vm.hostId() != null) {
            jobs.powerOff(vm);
        }
    }

    @Override
    public void onSuccess(JobContext<NoParams> context, Handle h) {
        jobs.report(h, context, "VM_STOP_DONE", " was powered off");
    }
}
