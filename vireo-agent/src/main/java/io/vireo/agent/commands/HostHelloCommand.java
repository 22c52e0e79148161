package io.vireo.agent.commands;

import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.HostHelloResult;
import io.vireo.model.rpc.NoParams;

import static java.util.Objects.requireNonNull;

/** The engine's first call on every connection: the host's facts and its full VM list. */
public final class HostHelloCommand implements AgentCommand<NoParams, HostHelloResult> {
    private final Hypervisor hypervisor;
    private final java.util.function.LongSupplier sequence;
    private final java.util.function.Supplier<java.util.List<io.vireo.model.rpc.HostNic>> nics;

    /** @param nics the host's network interfaces, as they are now */
    public HostHelloCommand(Hypervisor hypervisor, java.util.function.LongSupplier sequence,
                            java.util.function.Supplier<java.util.List<io.vireo.model.rpc.HostNic>> nics) {
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
        this.sequence = requireNonNull(sequence, "sequence");
        this.nics = requireNonNull(nics, "nics");
    }

    @Override
    public AgentMethod<NoParams, HostHelloResult> method() {
        return AgentMethod.HOST_HELLO;
    }

    @Override
    public HostHelloResult execute(NoParams params) {
        // numbered before the list is taken: the engine drops it for a VM it has newer word of
        long seq = sequence.getAsLong();
        return new HostHelloResult(hypervisor.facts().withNics(nics.get()), hypervisor.listVms(), seq);
    }
}
