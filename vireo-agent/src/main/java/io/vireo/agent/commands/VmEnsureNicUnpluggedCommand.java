package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.VmNicParams;
import io.vireo.model.rpc.VmNicResult;

import static java.util.Objects.requireNonNull;

/** Unplugs a running VM's NIC, found by its MAC, once the guest lets it go. */
public final class VmEnsureNicUnpluggedCommand implements AgentCommand<VmNicParams, VmNicResult> {
    private final Hypervisor hypervisor;

    public VmEnsureNicUnpluggedCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<VmNicParams, VmNicResult> method() {
        return AgentMethod.VM_ENSURE_NIC_UNPLUGGED;
    }

    @Override
    public VmNicResult execute(VmNicParams params) {
        if (params.nic() == null) {
            throw new IllegalArgumentException("the parameter nic is missing");
        }
        return new VmNicResult(hypervisor.ensureNicUnplugged(Params.vmId(params.vmId()), params.nic().mac()));
    }
}
