package io.vireo.agent.commands;

import io.vireo.agent.network.Bridges;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.EnsureBridgedParams;
import io.vireo.model.rpc.EnsureBridgedResult;

import static java.util.Objects.requireNonNull;

/** Makes the host carry the networks it is sent as bridges; one outcome per network, and the interfaces after. */
public final class NetworkEnsureBridgedCommand implements AgentCommand<EnsureBridgedParams, EnsureBridgedResult> {
    private final Bridges bridges;

    public NetworkEnsureBridgedCommand(Bridges bridges) {
        this.bridges = requireNonNull(bridges, "bridges");
    }

    @Override
    public AgentMethod<EnsureBridgedParams, EnsureBridgedResult> method() {
        return AgentMethod.NETWORK_ENSURE_BRIDGED;
    }

    @Override
    public EnsureBridgedResult execute(EnsureBridgedParams params) {
        // one change of the host's networks at a time: two overlapping calls would race on the same links
        synchronized (bridges) {
            return new EnsureBridgedResult(bridges.ensureBridged(params.networks()), bridges.interfaces());
        }
    }
}
