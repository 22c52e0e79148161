package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;

import static java.util.Objects.requireNonNull;

/** Pauses a VM; a paused VM stays paused. */
public final class VmEnsurePausedCommand implements AgentCommand {
    private final Hypervisor hypervisor;

    public VmEnsurePausedCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public String method() {
        return AgentMethods.VM_ENSURE_PAUSED;
    }

    @Override
    public Object execute(JsonNode params) {
        return hypervisor.ensurePaused(Params.vmId(params));
    }
}
