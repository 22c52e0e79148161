package io.vireo.engine.migration;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.engine.jobs.JobContext;
import io.vireo.engine.jobs.JobFailure;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** The job behind POST /api/vms/{id}/migrate and the balancer's moves. */
public final class MigrateVmJob implements JobHandler {
    public static final String KIND = "MIGRATE_VM";
    public static final java.util.List<String> STEPS = java.util.List.of("CHOOSE_DESTINATION", "MIGRATE", "CONFIRM");
    private static final String KEY = "";

    private final MigrationService migrations;

    public MigrateVmJob(MigrationService migrations) {
        this.migrations = requireNonNull(migrations, "migrations");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void runStep(JobContext context, String step) throws InterruptedException {
        UUID vmId = context.targetId();
        switch (step) {
            case "CHOOSE_DESTINATION" -> {
                JsonNode requested = context.params().get("hostId");
                migrations.prepare(context, KEY, vmId, requested == null || requested.isNull() ? null
                        : UUID.fromString(requested.asText()), Set.of());
            }
            case "MIGRATE" -> {
                Vm vm = migrations.vm(vmId);
                String destination = context.state("destination").orElseThrow();
                if (vm.status() == VmStatus.UP && destination.equals(vm.hostId())) {
                    return;
                }
                migrations.migrate(context, KEY, vmId);
            }
            case "CONFIRM" -> confirm(context, vmId);
            default -> throw new IllegalStateException(step);
        }
    }

    private void confirm(JobContext context, UUID vmId) throws InterruptedException {
        String destination = context.state("destination").orElseThrow();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            Vm vm = migrations.vm(vmId);
            if (vm.status() == VmStatus.UP && destination.equals(vm.hostId())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new JobFailure(ErrorCode.MIGRATION_FAILED, "The VM is not reported Up on its destination");
    }

    @Override
    public void onFailure(JobContext context, JobFailure failure) {
        migrations.abandon(context, KEY, context.targetId());
    }
}
