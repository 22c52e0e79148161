package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.ConsolePasswordParams;
import io.vireo.model.rpc.ConsolePasswordResult;

import static java.util.Objects.requireNonNull;

/** Opens a VM's console to one ticket: sets its VNC/SPICE password with a validity. */
public final class VmSetConsolePasswordCommand implements AgentCommand<ConsolePasswordParams, ConsolePasswordResult> {
    private final Hypervisor hypervisor;

    public VmSetConsolePasswordCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public AgentMethod<ConsolePasswordParams, ConsolePasswordResult> method() {
        return AgentMethod.VM_SET_CONSOLE_PASSWORD;
    }

    @Override
    public ConsolePasswordResult execute(ConsolePasswordParams params) {
        String password = Params.text("password", params.password());
        if (password.length() > 64) {
            throw new IllegalArgumentException("the password is longer than 64 characters");
        }
        if (params.validTo() == null) {
            throw new IllegalArgumentException("the parameter validTo is missing");
        }
        hypervisor.setConsolePassword(Params.vmId(params.vmId()), password, params.validTo(), params.disconnect());
        return new ConsolePasswordResult(params.validTo());
    }
}
