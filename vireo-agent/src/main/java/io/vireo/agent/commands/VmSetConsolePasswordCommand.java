package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Opens a VM's console to one ticket: sets its VNC/SPICE password with a validity. */
public final class VmSetConsolePasswordCommand implements AgentCommand {
    private final Hypervisor hypervisor;

    public VmSetConsolePasswordCommand(Hypervisor hypervisor) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
    }

    @Override
    public String method() {
        return AgentMethods.VM_SET_CONSOLE_PASSWORD;
    }

    @Override
    public Object execute(JsonNode params) {
        String password = Params.text(params, "password");
        if (password.length() > 64) {
            throw new IllegalArgumentException("the password is longer than 64 characters");
        }
        Instant validTo;
        try {
            validTo = Instant.parse(Params.text(params, "validTo"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("validTo is not an ISO-8601 instant");
        }
        hypervisor.setConsolePassword(Params.vmId(params), password, validTo);
        return Map.of("validTo", validTo.toString());
    }
}
