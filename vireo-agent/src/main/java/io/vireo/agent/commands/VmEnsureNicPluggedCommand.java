package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.VmNicParams;
import io.vireo.model.rpc.VmNicResult;

import static java.util.Objects.requireNonNull;

/** Plugs a NIC into a running VM (live, and into its persistent definition if it has one). */
public final class VmEnsureNicPluggedCommand implements AgentCommand<VmNicParams, VmNicResult> {
    private final Hypervisor hypervisor;

    public VmEnsureNicPluggedCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<VmNicParams, VmNicResult> method() {
        return AgentMethod.VM_ENSURE_NIC_PLUGGED;
    }

    @Override
    public VmNicResult execute(VmNicParams params) {
        if (params.nic() == null) {
            throw new IllegalArgumentException("the parameter nic is missing");
        }
        return new VmNicResult(hypervisor.ensureNicPlugged(Params.vmId(params.vmId()), params.nic()));
    }
}
