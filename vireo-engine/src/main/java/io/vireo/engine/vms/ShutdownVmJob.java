package io.vireo.engine.vms;

import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.engine.jobs.StateKey;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import io.vireo.model.rpc.AgentMethod;
import org.jdbi.v3.core.Handle;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/** Asks the guest to shut down, waits for it, and powers the VM off when the guest did not comply in time. */
public final class ShutdownVmJob implements JobHandler<ShutdownVmJob.Params, ShutdownVmJob.Step> {
    public record Params(int timeoutSeconds) {
    }

    public enum Step { REQUEST_SHUTDOWN, WAIT_DOWN, POWER_OFF }

    public static final JobKind<Params, Step> KIND = JobKind.of("SHUTDOWN_VM", Params.class, Step.class);
    /** Set when the guest let the time run out, so the final event says it was powered off. */
    static final StateKey<Boolean> FORCED = StateKey.of("forced", Boolean.class);

    private final VmJobs jobs;

    ShutdownVmJob(VmJobs jobs) {
        this.jobs = requireNonNull(jobs, "jobs");
    }

    public static VmActionRequest<Params> request(int timeoutSeconds) {
        return new VmActionRequest<>(VmAction.SHUTDOWN, KIND, new Params(timeoutSeconds));
    }

    @Override
    public JobKind<Params, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<Params> context) throws InterruptedException {
        Vm vm = jobs.vm(context);
        if (vm.status() == VmStatus.DOWN) {
            return;
        }
        switch (step) {
            case REQUEST_SHUTDOWN -> jobs.command(jobs.hostOf(vm), AgentMethod.VM_REQUEST_SHUTDOWN, vm, Duration.ofSeconds(30));
            case WAIT_DOWN -> {
                int timeout = context.params().timeoutSeconds();
                context.progress(10, "Waiting up to " + timeout + " s for the guest to shut down");
                if (!jobs.awaitStatus(context, v -> v.status() == VmStatus.DOWN, Duration.ofSeconds(timeout))) {
                    context.putState(FORCED, true);
                    context.progress(100, "The guest did not shut down within " + timeout + " s; powering off");
                }
            }
            case POWER_OFF -> jobs.powerOff(vm);
        }
    }

    @Override
    public void onSuccess(JobContext<Params> context, Handle h) {
        boolean forced = context.state(FORCED).orElse(false);
        jobs.report(h, context, "VM_SHUT_DOWN", forced ? " did not shut down in time and was powered off" : " was shut down");
    }
}
