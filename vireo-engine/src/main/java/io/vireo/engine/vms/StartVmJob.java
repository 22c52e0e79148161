package io.vireo.engine.vms;

import io.vireo.engine.hostlink.AgentAnswer;
import io.vireo.model.rpc.EnsureRunningResult;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.engine.jobs.StateKey;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** Starts a VM: choose a host, launch it there, wait until its host reports it Up. */
public final class StartVmJob implements JobHandler<StartVmJob.Params, StartVmJob.Step> {
    /** @param hostId the host asked for, or null for the scheduler's choice */
    public record Params(UUID hostId) {
    }

    public enum Step { SCHEDULE, LAUNCH, WAIT_UP }

    public static final JobKind<Params, Step> KIND = JobKind.of("START_VM", Params.class, Step.class);
    /** The host chosen, recorded before the VM is launched there. */
    static final StateKey<UUID> HOST = StateKey.of("hostId", UUID.class);
    private static final Duration UP_WITHIN = Duration.ofMinutes(2);

    private final VmJobs jobs;

    StartVmJob(VmJobs jobs) {
        this.jobs = requireNonNull(jobs, "jobs");
    }

    /** Start on the given host, or (null) where the scheduler chooses. */
    public static VmActionRequest<Params> request(UUID hostId) {
        return new VmActionRequest<>(VmAction.START, KIND, new Params(hostId));
    }

    @Override
    public JobKind<Params, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<Params> context) throws InterruptedException {
        Vm vm = jobs.vm(context);
        switch (step) {
            case SCHEDULE -> schedule(context, vm);
            case LAUNCH -> {
                UUID host = context.state(HOST).orElseThrow();
                AgentAnswer<EnsureRunningResult> answer = jobs.launch(vm, host);
                jobs.observe(host, answer.result().observation(), answer.seq());
            }
            case WAIT_UP -> {
                if (!jobs.awaitStatus(context, v -> v.status() == VmStatus.UP || v.status() == VmStatus.PAUSED, UP_WITHIN)) {
                    throw new JobFailure(ErrorCode.AGENT_ERROR, "VM " + vm.name() + " did not come up within 2 minutes");
                }
            }
        }
    }

    private void schedule(JobContext<Params> context, Vm vm) {
        if (context.state(HOST).isPresent()) {
            return;
        }
        jobs.poweringUp(context, HOST, vm, jobs.place(vm, context.params().hostId()));
    }

    @Override
    public void onFailure(JobContext<Params> context, JobFailure failure) {
        jobs.startFailed(context.targetId());
    }

    @Override
    public void onSuccess(JobContext<Params> context, Handle h) {
        jobs.report(h, context, "VM_STARTED", " was started");
    }
}
