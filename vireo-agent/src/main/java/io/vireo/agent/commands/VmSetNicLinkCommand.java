package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.VmNicParams;
import io.vireo.model.rpc.VmNicResult;

import static java.util.Objects.requireNonNull;

/** Sets the link state a running VM's guest sees on one NIC (found by its MAC): a cable plugged or pulled. */
public final class VmSetNicLinkCommand implements AgentCommand<VmNicParams, VmNicResult> {
    private final Hypervisor hypervisor;

    public VmSetNicLinkCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<VmNicParams, VmNicResult> method() {
        return AgentMethod.VM_SET_NIC_LINK;
    }

    @Override
    public VmNicResult execute(VmNicParams params) {
        if (params.nic() == null) {
            throw new IllegalArgumentException("the parameter nic is missing");
        }
        return new VmNicResult(hypervisor.setNicLink(Params.vmId(params.vmId()), params.nic().mac(), params.nic().linked()));
    }
}
