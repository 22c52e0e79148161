package io.vireo.engine.migration;

import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobKind;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** The job behind POST /api/vms/{id}/migrate and the balancer's moves. */
public final class MigrateVmJob implements JobHandler<MigrateVmJob.Params, MigrateVmJob.Step> {
    /** @param hostId the destination asked for, or null for the scheduler's choice */
    public record Params(UUID hostId) {
    }

    public enum Step { CHOOSE_DESTINATION, MIGRATE, CONFIRM }

    public static final JobKind<Params, Step> KIND = JobKind.of("MIGRATE_VM", Params.class, Step.class);
    private static final Duration CONFIRM_WITHIN = Duration.ofSeconds(60);

    private final MigrationService migrations;

    public MigrateVmJob(MigrationService migrations) {
        this.migrations = requireNonNull(migrations, "migrations");
    }

    @Override
    public JobKind<Params, Step> kind() {
        return KIND;
    }

    @Override
    public void run(Step step, JobContext<Params> context) throws InterruptedException {
        UUID vmId = context.targetId();
        switch (step) {
            case CHOOSE_DESTINATION -> migrations.prepare(context, MigrationKeys.SINGLE, vmId, context.params().hostId(), Set.of());
            case MIGRATE -> {
                if (!arrived(context, vmId)) {
                    migrations.migrate(context, MigrationKeys.SINGLE, vmId);
                }
            }
            case CONFIRM -> {
                if (!context.await(vmId, () -> arrived(context, vmId), CONFIRM_WITHIN)) {
                    throw new JobFailure(ErrorCode.MIGRATION_FAILED, "The VM is not reported Up on its destination");
                }
            }
        }
    }

    /** Whether the VM runs Up on the destination recorded for it. */
    private boolean arrived(JobContext<Params> context, UUID vmId) {
        Vm vm = migrations.vm(vmId);
        UUID destination = context.state(MigrationKeys.SINGLE.destination()).orElseThrow();
        return vm.status() == VmStatus.UP && destination.toString().equals(vm.hostId());
    }

    @Override
    public void onFailure(JobContext<Params> context, JobFailure failure) {
        migrations.abandon(context, MigrationKeys.SINGLE, context.targetId());
    }
}
