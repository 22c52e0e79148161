package io.vireo.engine.vms;

import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.model.Vm;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.RebootParams;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** Reboots a VM: through the guest, or forced (a reset). */
public final class RebootVmJob implements JobHandler<RebootVmJob.Params, RebootVmJob.Step> {
    public record Params(boolean force) {
    }

    public enum Step { REBOOT }

    public static final JobKind<Params, Step> KIND = JobKind.of("REBOOT_VM", Params.class, Step.class);

    private final VmJobs jobs;

    RebootVmJob(VmJobs jobs) {
        this.jobs = requireNonNull(jobs, "jobs");
    }

    public static VmActionRequest<Params> request(boolean force) {
        return new VmActionRequest<>(VmAction.REBOOT, KIND, new Params(force));
    }

    @Override
    public JobKind<Params, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<Params> context) {
        Vm vm = jobs.vm(context);
        jobs.call(jobs.hostOf(vm), AgentMethod.VM_REBOOT, new RebootParams(UUID.fromString(vm.id()), context.params().force()),
                Duration.ofSeconds(60), vm, ": ");
    }

    @Override
    public void onSuccess(JobContext<Params> context, Handle h) {
        jobs.report(h, context, "VM_REBOOT_DONE", " was rebooted");
    }
}
