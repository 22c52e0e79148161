package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;

import static java.util.Objects.requireNonNull;

/** Resumes a paused VM; a running VM stays running. */
public final class VmEnsureResumedCommand implements AgentCommand {
    private final Hypervisor hypervisor;

    public VmEnsureResumedCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public String method() {
        return AgentMethods.VM_ENSURE_RESUMED;
    }

    @Override
    public Object execute(JsonNode params) {
        return hypervisor.ensureResumed(Params.vmId(params));
    }
}
