package io.vireo.model.rpc;

import java.util.List;

/**
 * The answer to host.hello: the host's facts and its full VM list, numbered ({@code seq}) among the
 * agent's other reports so the engine can tell it from a newer event that crossed it.
 */
public record HostHelloResult(HostFacts facts, List<VmObservation> vms, long seq) {
    public HostHelloResult {
        vms = vms == null ? List.of() : List.copyOf(vms);
    }
}
