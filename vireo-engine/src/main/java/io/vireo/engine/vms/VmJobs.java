package io.vireo.engine.vms;

import io.vireo.engine.common.DomainException;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.AgentAnswer;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.StateKey;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.EnsureRunningParams;
import io.vireo.model.rpc.EnsureRunningResult;
import io.vireo.model.rpc.EnsureStoppedResult;
import io.vireo.model.rpc.RebootParams;
import io.vireo.model.rpc.VmIdParams;
import io.vireo.model.rpc.VmObservation;
import io.vireo.model.rpc.VmSpec;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * The jobs behind the VM power actions (a class per kind: {@link StartVmJob}, {@link StopVmJob},
 * {@link ShutdownVmJob}, {@link RebootVmJob}, {@link SuspendVmJob}, {@link ResumeVmJob}) and what
 * they share: finding the VM, commanding its host, applying the host's answer. Every step can run
 * again after a crash and do no harm.
 */
public final class VmJobs {
    private final Jdbi jdbi;
    private final VmRepository vms;
    private final VmSpecs specs;
    private final HostChooser placement;
    private final VmMonitor monitor;
    private final AgentGateway gateway;
    private final EventLog events;

    public VmJobs(Jdbi jdbi, VmRepository vms, VmSpecs specs, HostChooser placement, VmMonitor monitor,
                  AgentGateway gateway, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.vms = requireNonNull(vms, "vms");
        this.specs = requireNonNull(specs, "specs");
        this.placement = requireNonNull(placement, "placement");
        this.monitor = requireNonNull(monitor, "monitor");
        this.gateway = requireNonNull(gateway, "gateway");
        this.events = requireNonNull(events, "events");
    }

    public List<JobHandler<?, ?>> handlers() {
        return List.of(new StartVmJob(this), new StopVmJob(this), new ShutdownVmJob(this), new RebootVmJob(this),
                new SuspendVmJob(this), new ResumeVmJob(this));
    }

    Vm vm(JobContext<?> context) {
        return vms.find(context.targetId()).orElseThrow(() -> new JobFailure(ErrorCode.VM_NOT_FOUND,
                "The VM of this job no longer exists"));
    }

    UUID hostOf(Vm vm) {
        if (vm.hostId() == null) {
            throw new JobFailure(ErrorCode.VM_NOT_UP, "VM " + vm.name() + " does not run on any host");
        }
        return UUID.fromString(vm.hostId());
    }

    /** Sends a command about the VM to a host; the agent's refusal fails the step with the agent's code. */
    <P, R> AgentAnswer<R> call(UUID host, AgentMethod<P, R> method, P params, Duration timeout, Vm vm, String failure) {
        try {
            return gateway.answer(host, method, params, timeout);
        } catch (AgentException e) {
            throw new JobFailure(e.code(), "VM " + vm.name() + failure + e.getMessage());
        }
    }

    <R> AgentAnswer<R> command(UUID host, AgentMethod<VmIdParams, R> method, Vm vm, Duration timeout) {
        return call(host, method, new VmIdParams(UUID.fromString(vm.id())), timeout, vm, ": ");
    }

    /** Asks the VM's host for a state and applies the observation it answers with (pause, resume). */
    void ensure(JobContext<?> context, AgentMethod<VmIdParams, VmObservation> method) {
        Vm vm = vm(context);
        UUID host = hostOf(vm);
        AgentAnswer<VmObservation> answer = command(host, method, vm, Duration.ofSeconds(60));
        observe(host, answer.result(), answer.seq());
    }

    /** Applies an observation an agent answered with, numbered with the answer's report number. */
    void observe(UUID host, VmObservation observation, long seq) {
        if (observation != null && observation.state() != null) {
            monitor.observe(host, observation, seq);
        }
    }

    /** Waits until the VM's observed status satisfies the condition, woken by the monitor; false when the time ran out. */
    boolean awaitStatus(JobContext<?> context, Predicate<Vm> condition, Duration limit) throws InterruptedException {
        return context.await(context.targetId(), () -> condition.test(vm(context)), limit);
    }

    void powerOff(Vm vm) {
        UUID host = hostOf(vm);
        AgentAnswer<EnsureStoppedResult> answer = command(host, AgentMethod.VM_ENSURE_STOPPED, vm, Duration.ofSeconds(60));
        monitor.acted(host, UUID.fromString(vm.id()), answer.seq());
        jdbi.useTransaction(h -> vms.lock(h, UUID.fromString(vm.id())).ifPresent(current -> {
            if (host.toString().equals(current.hostId())) {
                vms.setStatus(h, UUID.fromString(vm.id()), VmStatus.DOWN, null, DisplayPorts.NONE);
            }
        }));
    }

    /** Where a starting VM runs: the requested host (null: none) if it fits, else the scheduler's choice. */
    UUID place(Vm vm, UUID requested) {
        return placement.chooseForStart(vm, requested);
    }

    /** Records the host chosen for a start in the job and on the VM (Powering up there), in one transaction. */
    void poweringUp(JobContext<?> context, StateKey<UUID> hostKey, Vm vm, UUID host) {
        jdbi.useTransaction(h -> {
            context.putState(h, hostKey, host);
            vms.setStatus(h, UUID.fromString(vm.id()), VmStatus.POWERING_UP, host, DisplayPorts.NONE);
        });
    }

    AgentAnswer<EnsureRunningResult> launch(Vm vm, UUID host) {
        VmSpec spec;
        try {
            spec = specs.specFor(vm, host);
        } catch (DomainException e) {
            throw new JobFailure(e.code(), "VM " + vm.name() + " could not start: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new JobFailure(ErrorCode.AGENT_ERROR, "VM " + vm.name() + " could not start: its networks could not be readied on "
                    + "the host: " + e.getMessage());
        }
        return call(host, AgentMethod.VM_ENSURE_RUNNING, new EnsureRunningParams(spec), Duration.ofMinutes(2), vm, " could not start: ");
    }

    /** A VM that did not start goes back to Down, and no longer asks to be Up unless it came up after all. */
    void startFailed(UUID vmId) {
        jdbi.useTransaction(h -> vms.lock(h, vmId).ifPresent(vm -> {
            if (vm.status() == VmStatus.POWERING_UP) {
                vms.setStatus(h, vmId, VmStatus.DOWN, null, DisplayPorts.NONE);
            }
            if (vm.status() != VmStatus.UP) {
                vms.setDesiredState(h, vmId, "DOWN");
            }
        }));
    }

    /** The event saying the job did what it was asked: "VM web1 was started". */
    void report(Handle h, JobContext<?> context, String code, String outcome) {
        vms.find(h, context.targetId()).ifPresent(vm -> events.write(h, EventLog.Entry.info(code, "VM " + vm.name() + outcome)
                .vm(context.targetId()).job(context.jobId())));
    }
}
