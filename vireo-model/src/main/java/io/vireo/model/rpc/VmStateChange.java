package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import static java.util.Objects.requireNonNull;

/**
 * The params of the vm.stateChanged event: the observation's fields side by side with {@code seq},
 * the agent's report number, which orders it against the agent's full lists.
 */
public record VmStateChange(@JsonUnwrapped VmObservation observation, long seq) {
    public VmStateChange {
        requireNonNull(observation, "observation");
    }
}
