package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;

import static java.util.Objects.requireNonNull;

/** Reads the guest serial console log from an offset. */
public final class VmReadConsoleLogCommand implements AgentCommand {
    private final Hypervisor hypervisor;

    public VmReadConsoleLogCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public String method() {
        return AgentMethods.VM_READ_CONSOLE_LOG;
    }

    @Override
    public Object execute(JsonNode params) {
        long offset = params.path("offset").asLong(0);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        return hypervisor.readConsoleLog(Params.vmId(params), offset);
    }
}
