package io.vireo.engine.migration;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.engine.jobs.PlannedStep;
import io.vireo.engine.vms.VmService;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Moves every VM off a host by live migration, a step per VM (keyed by the VM's id, labelled with
 * its name), then puts the host in maintenance. A VM that can go nowhere fails the job with the
 * reason, and the host is Up again.
 */
public final class DeactivateHostJob implements JobHandler<DeactivateHostJob.Params, DeactivateHostJob.Step> {
    /** @param vms the VMs that ran on the host when it was deactivated */
    public record Params(List<Evacuee> vms) {
        public Params {
            vms = List.copyOf(vms);
        }
    }

    public record Evacuee(UUID id, String name) {
    }

    public enum Step { EVACUATE, ENTER_MAINTENANCE }

    public static final JobKind<Params, Step> KIND = JobKind.of("DEACTIVATE_HOST", Params.class, Step.class)
            .plannedBy(DeactivateHostJob::plan);

    private final Jdbi jdbi;
    private final HostService hosts;
    private final VmService vms;
    private final MigrationService migrations;
    private final EventLog events;

    public DeactivateHostJob(Jdbi jdbi, HostService hosts, VmService vms, MigrationService migrations, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hosts = requireNonNull(hosts, "hosts");
        this.vms = requireNonNull(vms, "vms");
        this.migrations = requireNonNull(migrations, "migrations");
        this.events = requireNonNull(events, "events");
    }

    private static List<PlannedStep<Step>> plan(Params params) {
        List<PlannedStep<Step>> steps = new ArrayList<>();
        for (Evacuee vm : params.vms()) {
            steps.add(PlannedStep.about(Step.EVACUATE, vm.id(), "EVACUATE " + vm.name()));
        }
        steps.add(PlannedStep.of(Step.ENTER_MAINTENANCE));
        return steps;
    }

    @Override
    public JobKind<Params, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<Params> context) throws InterruptedException {
        switch (step) {
            case EVACUATE -> {
                // a step from before steps had subjects, whose VM was gone at the upgrade, has nothing to move
                if (context.subjectId().isPresent()) {
                    evacuate(context, context.subjectId().get());
                }
            }
            case ENTER_MAINTENANCE -> enterMaintenance(context.targetId());
        }
    }

    private void evacuate(JobContext<Params> context, UUID vmId) throws InterruptedException {
        UUID hostId = context.targetId();
        Vm vm = vms.find(vmId).orElse(null);
        if (vm == null || vm.status() == VmStatus.DOWN || !hostId.toString().equals(vm.hostId())
                && vm.status() != VmStatus.MIGRATING_FROM) {
            return;
        }
        MigrationKeys keys = MigrationKeys.of(vmId);
        migrations.prepare(context, keys, vmId, null, Set.of(hostId));
        if (migrations.vm(vmId).status() == VmStatus.MIGRATING_FROM) {
            migrations.migrate(context, keys, vmId);
        }
    }

    private void enterMaintenance(UUID hostId) {
        jdbi.useTransaction(h -> {
            List<Vm> left = vms.onHost(h, hostId).stream().filter(vm -> vm.status() != VmStatus.DOWN).toList();
            if (!left.isEmpty()) {
                throw new JobFailure(ErrorCode.ENTITY_IN_USE, "VM(s) still run on the host: "
                        + String.join(", ", left.stream().map(Vm::name).toList()));
            }
            hosts.setStatus(h, hostId, HostStatus.MAINTENANCE);
            String name = hosts.find(h, hostId).map(Host::name).orElse(hostId.toString());
            events.write(h, EventLog.Entry.info("HOST_MAINTENANCE", "Host " + name + " is in maintenance").host(hostId));
        });
    }

    @Override
    public void onFailure(JobContext<Params> context, JobFailure failure) {
        for (Evacuee vm : context.params().vms()) {
            migrations.abandon(context, MigrationKeys.of(vm.id()), vm.id());
        }
        jdbi.useTransaction(h -> {
            if (hosts.find(h, context.targetId()).map(Host::status).orElse(null) == HostStatus.PREPARING_FOR_MAINTENANCE) {
                hosts.setStatus(h, context.targetId(), HostStatus.UP);
                events.write(h, EventLog.Entry.warning("HOST_MAINTENANCE_FAILED", "Host " + context.targetId()
                        + " stays Up: " + failure.getMessage()).host(context.targetId()));
            }
        });
    }
}
