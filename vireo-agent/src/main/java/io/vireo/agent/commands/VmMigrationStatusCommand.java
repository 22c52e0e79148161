package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;
import io.vireo.model.rpc.MigrationProgress;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Tells whether a VM's outgoing migration runs and how far it is. */
public final class VmMigrationStatusCommand implements AgentCommand {
    private final Hypervisor hypervisor;

    public VmMigrationStatusCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    /** @param progress null when no migration runs */
    public record Status(boolean active, MigrationProgress progress) {
    }

    @Override
    public String method() {
        return AgentMethods.VM_MIGRATION_STATUS;
    }

    @Override
    public Object execute(JsonNode params) {
        Optional<MigrationProgress> progress = hypervisor.migrationStatus(Params.vmId(params));
        return new Status(progress.isPresent(), progress.orElse(null));
    }
}
