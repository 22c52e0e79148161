package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethods;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** The engine's first call on every connection: the host's facts and its full VM list. */
public final class HostHelloCommand implements AgentCommand {
    private final Hypervisor hypervisor;
    private final java.util.function.LongSupplier sequence;

    public HostHelloCommand(Hypervisor hypervisor, java.util.function.LongSupplier sequence) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
        this.sequence = requireNonNull(sequence, "sequence");
    }

    @Override
    public String method() {
        return AgentMethods.HOST_HELLO;
    }

    @Override
    public Object execute(JsonNode params) {
        long seq = sequence.getAsLong();
        return Map.of("facts", hypervisor.facts(), "vms", hypervisor.listVms(), "seq", seq);
    }
}
