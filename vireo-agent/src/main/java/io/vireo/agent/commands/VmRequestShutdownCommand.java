package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Presses the ACPI power button; the engine waits for the guest and powers off after its timeout. */
public final class VmRequestShutdownCommand implements AgentCommand {
    private final Hypervisor hypervisor;

    public VmRequestShutdownCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public String method() {
        return AgentMethods.VM_REQUEST_SHUTDOWN;
    }

    @Override
    public Object execute(JsonNode params) {
        return Map.of("requested", hypervisor.requestShutdown(Params.vmId(params)));
    }
}
