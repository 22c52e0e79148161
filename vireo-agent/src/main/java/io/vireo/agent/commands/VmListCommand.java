package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.NoParams;
import io.vireo.model.rpc.VmListResult;

import static java.util.Objects.requireNonNull;

/** Answers every VM the host holds. */
public final class VmListCommand implements AgentCommand<NoParams, VmListResult> {
    private final Hypervisor hypervisor;

    public VmListCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<NoParams, VmListResult> method() {
        return AgentMethod.VM_LIST;
    }

    @Override
    public VmListResult execute(NoParams params) {
        return new VmListResult(hypervisor.listVms());
    }
}
