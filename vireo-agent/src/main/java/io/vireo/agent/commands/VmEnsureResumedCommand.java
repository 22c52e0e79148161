package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.VmIdParams;
import io.vireo.model.rpc.VmObservation;

import static java.util.Objects.requireNonNull;

/** Resumes a paused VM; a running VM stays running. */
public final class VmEnsureResumedCommand implements AgentCommand<VmIdParams, VmObservation> {
    private final Hypervisor hypervisor;

    public VmEnsureResumedCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<VmIdParams, VmObservation> method() {
        return AgentMethod.VM_ENSURE_RESUMED;
    }

    @Override
    public VmObservation execute(VmIdParams params) {
        return hypervisor.ensureResumed(Params.vmId(params.vmId()));
    }
}
