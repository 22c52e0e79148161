package io.vireo.engine.scheduling;

import static java.util.Objects.requireNonNull;

/** A weight as a policy uses it: its score counts {@code factor} times. */
public record PolicyWeight(HostWeight weight, double factor) {
    public PolicyWeight {
        requireNonNull(weight, "weight");
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("The factor of weight " + weight.name() + " must be positive, not " + factor);
        }
    }
}
