package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.EnsureRunningParams;
import io.vireo.model.rpc.EnsureRunningResult;

import static java.util.Objects.requireNonNull;

/** Starts a VM from the spec the engine sends, unless it runs already. */
public final class VmEnsureRunningCommand implements AgentCommand<EnsureRunningParams, EnsureRunningResult> {
    private final Hypervisor hypervisor;
    private final Runnable afterStart;

    public VmEnsureRunningCommand(Hypervisor hypervisor, Runnable afterStart) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
        this.afterStart = requireNonNull(afterStart, "afterStart");
    }

    @Override
    public AgentMethod<EnsureRunningParams, EnsureRunningResult> method() {
        return AgentMethod.VM_ENSURE_RUNNING;
    }

    @Override
    public EnsureRunningResult execute(EnsureRunningParams params) {
        if (params.spec() == null) {
            throw new IllegalArgumentException("the parameter spec is missing");
        }
        EnsureRunningResult result = hypervisor.ensureRunning(params.spec());
        afterStart.run();
        return result;
    }
}
