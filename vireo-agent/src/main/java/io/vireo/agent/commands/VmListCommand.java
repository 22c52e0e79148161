package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;

import static java.util.Objects.requireNonNull;

/** Answers every VM the host holds. */
public final class VmListCommand implements AgentCommand {
    private final Hypervisor hypervisor;

    public VmListCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public String method() {
        return AgentMethods.VM_LIST;
    }

    @Override
    public Object execute(JsonNode params) {
        return hypervisor.listVms();
    }
}
