package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Aborts a VM's outgoing migration; the vm.migrate call in flight then answers cancelled. */
public final class VmCancelMigrationCommand implements AgentCommand {
    private final Hypervisor hypervisor;

    public VmCancelMigrationCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public String method() {
        return AgentMethods.VM_CANCEL_MIGRATION;
    }

    @Override
    public Object execute(JsonNode params) {
        return Map.of("cancelled", hypervisor.cancelMigration(Params.vmId(params)));
    }
}
