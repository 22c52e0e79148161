package io.vireo.engine.vms;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.AgentAnswer;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
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
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/** The jobs behind the VM power actions. Every step can run again after a crash and do no harm. */
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

    public List<JobHandler> handlers() {
        return List.of(new Start(), new Simple(VmAction.STOP), new Shutdown(), new Simple(VmAction.REBOOT),
                new Simple(VmAction.SUSPEND), new Simple(VmAction.RESUME));
    }

    private Vm vm(JobContext context) {
        return vms.find(context.targetId()).orElseThrow(() -> new JobFailure(ErrorCode.VM_NOT_FOUND,
                "The VM of this job no longer exists"));
    }

    private <R> AgentAnswer<R> command(UUID host, AgentMethod<VmIdParams, R> method, Vm vm, Duration timeout) {
        try {
            return gateway.answer(host, method, new VmIdParams(vm.id()), timeout);
        } catch (AgentException e) {
            throw new JobFailure(e.code(), "VM " + vm.name() + ": " + e.getMessage());
        }
    }

    /** Applies an observation an agent answered with, numbered with the answer's report number. */
    private void observe(UUID host, VmObservation observation, long seq) {
        if (observation != null && observation.state() != null) {
            monitor.observe(host, observation, seq);
        }
    }

    /** Waits until the VM's observed status satisfies the condition; false when the time ran out. */
    private boolean await(JobContext context, Predicate<Vm> condition, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (condition.test(vm(context))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private UUID hostOf(Vm vm) {
        if (vm.hostId() == null) {
            throw new JobFailure(ErrorCode.VM_NOT_UP, "VM " + vm.name() + " does not run on any host");
        }
        return UUID.fromString(vm.hostId());
    }

    private final class Start implements JobHandler {
        @Override
        public String kind() {
            return VmAction.START.jobKind();
        }

        @Override
        public void runStep(JobContext context, String step) throws InterruptedException {
            Vm vm = vm(context);
            switch (step) {
                case "SCHEDULE" -> schedule(context, vm);
                case "LAUNCH" -> {
                    UUID host = UUID.fromString(context.state("hostId").orElseThrow());
                    context.progress(20, "Starting on host " + host);
                    AgentAnswer<EnsureRunningResult> answer;
                    try {
                        answer = gateway.answer(host, AgentMethod.VM_ENSURE_RUNNING, new EnsureRunningParams(specs.specOf(vm)),
                                Duration.ofMinutes(2));
                    } catch (AgentException e) {
                        throw new JobFailure(e.code(), "VM " + vm.name() + " could not start: " + e.getMessage());
                    }
                    observe(host, answer.result().observation(), answer.seq());
                }
                case "WAIT_UP" -> {
                    if (!await(context, v -> v.status() == VmStatus.UP || v.status() == VmStatus.PAUSED, Duration.ofMinutes(2))) {
                        throw new JobFailure(ErrorCode.AGENT_ERROR, "VM " + vm.name() + " did not come up within 2 minutes");
                    }
                }
                default -> throw new IllegalStateException(step);
            }
        }

        private void schedule(JobContext context, Vm vm) {
            if (context.state("hostId").isPresent()) {
                return;
            }
            JsonNode requested = context.params().get("hostId");
            UUID host = placement.chooseForStart(vm, requested == null || requested.isNull() ? null : UUID.fromString(requested.asText()));
            context.putState("hostId", host.toString());
            jdbi.useTransaction(h -> vms.setStatus(h, UUID.fromString(vm.id()), VmStatus.POWERING_UP, host, null));
        }

        @Override
        public void onFailure(JobContext context, JobFailure failure) {
            jdbi.useTransaction(h -> vms.lock(h, context.targetId()).ifPresent(vm -> {
                if (vm.status() == VmStatus.POWERING_UP) {
                    vms.setStatus(h, context.targetId(), VmStatus.DOWN, null, null);
                }
                if (vm.status() != VmStatus.UP) {
                    vms.setDesiredState(h, context.targetId(), "DOWN");
                }
            }));
        }

        @Override
        public void onSuccess(JobContext context, Handle h) {
            vms.find(h, context.targetId()).ifPresent(vm -> events.write(h, EventLog.Entry.info("VM_STARTED",
                    "VM " + vm.name() + " was started").vm(context.targetId()).job(context.jobId())));
        }
    }

    private final class Shutdown implements JobHandler {
        @Override
        public String kind() {
            return VmAction.SHUTDOWN.jobKind();
        }

        @Override
        public void runStep(JobContext context, String step) throws InterruptedException {
            Vm vm = vm(context);
            if (vm.status() == VmStatus.DOWN) {
                return;
            }
            switch (step) {
                case "REQUEST_SHUTDOWN" -> command(hostOf(vm), AgentMethod.VM_REQUEST_SHUTDOWN, vm, Duration.ofSeconds(30));
                case "WAIT_DOWN" -> {
                    int timeout = context.params().path("timeoutSeconds").asInt(60);
                    context.progress(10, "Waiting up to " + timeout + " s for the guest to shut down");
                    if (!await(context, v -> v.status() == VmStatus.DOWN, Duration.ofSeconds(timeout))) {
                        context.putState("forced", "true");
                        context.progress(100, "The guest did not shut down within " + timeout + " s; powering off");
                    }
                }
                case "POWER_OFF" -> powerOff(vm);
                default -> throw new IllegalStateException(step);
            }
        }

        @Override
        public void onSuccess(JobContext context, Handle h) {
            boolean forced = context.state("forced").isPresent();
            vms.find(h, context.targetId()).ifPresent(vm -> events.write(h, EventLog.Entry.info("VM_SHUT_DOWN",
                    "VM " + vm.name() + (forced ? " did not shut down in time and was powered off" : " was shut down"))
                    .vm(context.targetId()).job(context.jobId())));
        }
    }

    private void powerOff(Vm vm) {
        UUID host = hostOf(vm);
        AgentAnswer<EnsureStoppedResult> answer = command(host, AgentMethod.VM_ENSURE_STOPPED, vm, Duration.ofSeconds(60));
        monitor.acted(host, vm.id(), answer.seq());
        jdbi.useTransaction(h -> vms.lock(h, UUID.fromString(vm.id())).ifPresent(current -> {
            if (host.toString().equals(current.hostId())) {
                vms.setStatus(h, UUID.fromString(vm.id()), VmStatus.DOWN, null, null);
            }
        }));
    }

    private final class Simple implements JobHandler {
        private final VmAction action;

        Simple(VmAction action) {
            this.action = action;
        }

        @Override
        public String kind() {
            return action.jobKind();
        }

        @Override
        public void runStep(JobContext context, String step) {
            Vm vm = vm(context);
            switch (action) {
                case STOP -> {
                    if (vm.hostId() != null) {
                        powerOff(vm);
                    }
                }
                case REBOOT -> {
                    try {
                        gateway.call(hostOf(vm), AgentMethod.VM_REBOOT,
                                new RebootParams(vm.id(), context.params().path("force").asBoolean(false)), Duration.ofSeconds(60));
                    } catch (AgentException e) {
                        throw new JobFailure(e.code(), "VM " + vm.name() + ": " + e.getMessage());
                    }
                }
                case SUSPEND -> {
                    AgentAnswer<VmObservation> answer = command(hostOf(vm), AgentMethod.VM_ENSURE_PAUSED, vm, Duration.ofSeconds(60));
                    observe(hostOf(vm), answer.result(), answer.seq());
                }
                case RESUME -> {
                    AgentAnswer<VmObservation> answer = command(hostOf(vm), AgentMethod.VM_ENSURE_RESUMED, vm, Duration.ofSeconds(60));
                    observe(hostOf(vm), answer.result(), answer.seq());
                }
                default -> throw new IllegalStateException(action.name());
            }
        }

        @Override
        public void onSuccess(JobContext context, Handle h) {
            String done = switch (action) {
                case STOP -> " was powered off";
                case REBOOT -> " was rebooted";
                case SUSPEND -> " was suspended (paused)";
                case RESUME -> " was resumed";
                default -> " changed";
            };
            vms.find(h, context.targetId()).ifPresent(vm -> events.write(h, EventLog.Entry.info("VM_" + action.name() + "_DONE",
                    "VM " + vm.name() + done).vm(context.targetId()).job(context.jobId())));
        }
    }
}
