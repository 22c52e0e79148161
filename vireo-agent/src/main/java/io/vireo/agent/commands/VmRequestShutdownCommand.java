package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.ShutdownRequestResult;
import io.vireo.model.rpc.VmIdParams;

import static java.util.Objects.requireNonNull;

/** Presses the ACPI power button; the engine waits for the guest and powers off after its timeout. */
public final class VmRequestShutdownCommand implements AgentCommand<VmIdParams, ShutdownRequestResult> {
    private final Hypervisor hypervisor;

    public VmRequestShutdownCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<VmIdParams, ShutdownRequestResult> method() {
        return AgentMethod.VM_REQUEST_SHUTDOWN;
    }

    @Override
    public ShutdownRequestResult execute(VmIdParams params) {
        return new ShutdownRequestResult(hypervisor.requestShutdown(Params.vmId(params.vmId())));
    }
}
