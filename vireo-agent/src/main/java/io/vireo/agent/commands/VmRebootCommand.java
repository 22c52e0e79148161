package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.RebootParams;
import io.vireo.model.rpc.RebootResult;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** Reboots a running VM: through the guest (ACPI), or with force like a reset button. */
public final class VmRebootCommand implements AgentCommand<RebootParams, RebootResult> {
    private final Hypervisor hypervisor;

    public VmRebootCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<RebootParams, RebootResult> method() {
        return AgentMethod.VM_REBOOT;
    }

    @Override
    public RebootResult execute(RebootParams params) {
        UUID vmId = Params.vmId(params.vmId());
        if (params.force()) {
            hypervisor.reset(vmId);
        } else {
            hypervisor.reboot(vmId);
        }
        return new RebootResult(params.force());
    }
}
