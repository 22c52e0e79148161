package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.VmIdParams;
import io.vireo.model.rpc.VmObservation;

import static java.util.Objects.requireNonNull;

/** Pauses a VM; a paused VM stays paused. */
public final class VmEnsurePausedCommand implements AgentCommand<VmIdParams, VmObservation> {
    private final Hypervisor hypervisor;

    public VmEnsurePausedCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<VmIdParams, VmObservation> method() {
        return AgentMethod.VM_ENSURE_PAUSED;
    }

    @Override
    public VmObservation execute(VmIdParams params) {
        return hypervisor.ensurePaused(Params.vmId(params.vmId()));
    }
}
