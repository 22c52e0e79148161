package io.vireo.agent.commands;

import io.vireo.agent.network.Overlays;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.OverlayConvergeResult;
import io.vireo.model.rpc.OverlayState;

import static java.util.Objects.requireNonNull;

/**
 * Makes the host carry the whole overlay state it is sent (segments, DHCP, routers, port filters) and
 * nothing else of the built-in provider's; one outcome per element.
 */
public final class OverlayConvergeCommand implements AgentCommand<OverlayState, OverlayConvergeResult> {
    private final Overlays overlays;

    public OverlayConvergeCommand(Overlays overlays) {
        this.overlays = requireNonNull(overlays, "overlays");
    }

    @Override
    public AgentMethod<OverlayState, OverlayConvergeResult> method() {
        return AgentMethod.OVERLAY_CONVERGE;
    }

    @Override
    public OverlayConvergeResult execute(OverlayState params) {
        if (params == null) {
            throw new IllegalArgumentException("the overlay state is missing");
        }
        return overlays.converge(params);
    }
}
