package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Reboots a running VM: through the guest (ACPI), or with force like a reset button. */
public final class VmRebootCommand implements AgentCommand {
    private final Hypervisor hypervisor;

    public VmRebootCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public String method() {
        return AgentMethods.VM_REBOOT;
    }

    @Override
    public Object execute(JsonNode params) {
        String vmId = Params.vmId(params);
        boolean force = params.path("force").asBoolean(false);
        if (force) {
            hypervisor.reset(vmId);
        } else {
            hypervisor.reboot(vmId);
        }
        return Map.of("forced", force);
    }
}
