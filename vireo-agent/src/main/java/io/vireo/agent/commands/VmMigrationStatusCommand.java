package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.MigrationStatusResult;
import io.vireo.model.rpc.VmIdParams;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Tells whether a VM's outgoing migration runs and how far it is. */
public final class VmMigrationStatusCommand implements AgentCommand<VmIdParams, MigrationStatusResult> {
    private final Hypervisor hypervisor;

    public VmMigrationStatusCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<VmIdParams, MigrationStatusResult> method() {
        return AgentMethod.VM_MIGRATION_STATUS;
    }

    @Override
    public MigrationStatusResult execute(VmIdParams params) {
        Optional<MigrationProgress> progress = hypervisor.migrationStatus(Params.vmId(params.vmId()));
        return new MigrationStatusResult(progress.isPresent(), progress.orElse(null));
    }
}
