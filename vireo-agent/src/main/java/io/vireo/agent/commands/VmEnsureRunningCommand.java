package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.Json;
import io.vireo.model.rpc.AgentMethods;
import io.vireo.model.rpc.VmSpec;

import static java.util.Objects.requireNonNull;

/** Starts a VM from the spec the engine sends, unless it runs already. */
public final class VmEnsureRunningCommand implements AgentCommand {
    private static final ObjectMapper MAPPER = Json.lenientMapper();

    private final Hypervisor hypervisor;
    private final Runnable afterStart;

    public VmEnsureRunningCommand(Hypervisor hypervisor, Runnable afterStart) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
        this.afterStart = requireNonNull(afterStart, "afterStart");
    }

    @Override
    public String method() {
        return AgentMethods.VM_ENSURE_RUNNING;
    }

    @Override
    public Object execute(JsonNode params) throws Exception {
        JsonNode spec = params.get("spec");
        if (spec == null || !spec.isObject()) {
            throw new IllegalArgumentException("the parameter spec is missing");
        }
        Hypervisor.EnsureRunningResult result = hypervisor.ensureRunning(MAPPER.treeToValue(spec, VmSpec.class));
        afterStart.run();
        return result;
    }
}
