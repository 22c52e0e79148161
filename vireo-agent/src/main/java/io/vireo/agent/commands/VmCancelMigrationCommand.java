package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.CancelMigrationResult;
import io.vireo.model.rpc.VmIdParams;

import static java.util.Objects.requireNonNull;

/** Aborts a VM's outgoing migration; the vm.migrate call in flight then answers cancelled. */
public final class VmCancelMigrationCommand implements AgentCommand<VmIdParams, CancelMigrationResult> {
    private final Hypervisor hypervisor;

    public VmCancelMigrationCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<VmIdParams, CancelMigrationResult> method() {
        return AgentMethod.VM_CANCEL_MIGRATION;
    }

    @Override
    public CancelMigrationResult execute(VmIdParams params) {
        return new CancelMigrationResult(hypervisor.cancelMigration(Params.vmId(params.vmId())));
    }
}
