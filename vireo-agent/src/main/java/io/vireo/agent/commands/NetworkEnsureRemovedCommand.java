package io.vireo.agent.commands;

import io.vireo.agent.network.Bridges;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.EnsureRemovedParams;
import io.vireo.model.rpc.EnsureRemovedResult;

import static java.util.Objects.requireNonNull;

/** Removes bridges no network of the host needs; a bridge a VM still uses is kept, and said so. */
public final class NetworkEnsureRemovedCommand implements AgentCommand<EnsureRemovedParams, EnsureRemovedResult> {
    private final Bridges bridges;

    public NetworkEnsureRemovedCommand(Bridges bridges) {
        this.bridges = requireNonNull(bridges, "bridges");
    }

    @Override
    public AgentMethod<EnsureRemovedParams, EnsureRemovedResult> method() {
        return AgentMethod.NETWORK_ENSURE_REMOVED;
    }

    @Override
    public EnsureRemovedResult execute(EnsureRemovedParams params) {
        synchronized (bridges) {
            return new EnsureRemovedResult(bridges.ensureRemoved(params.bridges()));
        }
    }
}
