package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.ConsoleLogParams;
import io.vireo.model.rpc.ConsoleLogResult;

import static java.util.Objects.requireNonNull;

/** Reads the guest serial console log from an offset. */
public final class VmReadConsoleLogCommand implements AgentCommand<ConsoleLogParams, ConsoleLogResult> {
    private final Hypervisor hypervisor;

    public VmReadConsoleLogCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<ConsoleLogParams, ConsoleLogResult> method() {
        return AgentMethod.VM_READ_CONSOLE_LOG;
    }

    @Override
    public ConsoleLogResult execute(ConsoleLogParams params) {
        if (params.offset() < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        return hypervisor.readConsoleLog(Params.vmId(params.vmId()), params.offset());
    }
}
