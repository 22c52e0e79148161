package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.EnsureStoppedResult;
import io.vireo.model.rpc.VmIdParams;

import static java.util.Objects.requireNonNull;

/** Powers a VM off; nothing to do if it does not run. */
public final class VmEnsureStoppedCommand implements AgentCommand<VmIdParams, EnsureStoppedResult> {
    private final Hypervisor hypervisor;

    public VmEnsureStoppedCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<VmIdParams, EnsureStoppedResult> method() {
        return AgentMethod.VM_ENSURE_STOPPED;
    }

    @Override
    public EnsureStoppedResult execute(VmIdParams params) {
        return new EnsureStoppedResult(hypervisor.ensureStopped(Params.vmId(params.vmId())));
    }
}
