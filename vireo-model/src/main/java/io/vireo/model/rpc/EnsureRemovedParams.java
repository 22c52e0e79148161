package io.vireo.model.rpc;

import java.util.List;

/** Bridges no network of the host needs any more. */
public record EnsureRemovedParams(List<String> bridges) {
    public EnsureRemovedParams {
        bridges = bridges == null ? List.of() : List.copyOf(bridges);
    }
}
