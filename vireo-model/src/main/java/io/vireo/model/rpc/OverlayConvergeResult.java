package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What became of each element of an {@link OverlayState}: one outcome per segment, DHCP service, router
 * and port filter, in that order. A refused element was left as it was before (or absent), with the
 * reason; the others were made to match.
 */
public record OverlayConvergeResult(List<Outcome> outcomes) {
    public OverlayConvergeResult {
        outcomes = outcomes == null ? List.of() : List.copyOf(outcomes);
    }

    /**
     * @param kind "segment", "dhcp", "router" or "port"
     * @param id the network's, router's or port's id
     * @param error null when done
     */
    public record Outcome(String kind, String id, boolean done, String error) {
        public Outcome {
            requireNonNull(kind, "kind");
            requireNonNull(id, "id");
        }
    }
}
