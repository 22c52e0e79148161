package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Powers a VM off; nothing to do if it does not run. */
public final class VmEnsureStoppedCommand implements AgentCommand {
    private final Hypervisor hypervisor;

    public VmEnsureStoppedCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public String method() {
        return AgentMethods.VM_ENSURE_STOPPED;
    }

    @Override
    public Object execute(JsonNode params) {
        return Map.of("wasRunning", hypervisor.ensureStopped(Params.vmId(params)));
    }
}
