package io.vireo.engine.scheduling;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A host that can run the VM, with its total weight.
 *
 * @param weights each weight's contribution (score times factor) by weight name, in the policy's order
 */
public record HostScore(String hostId, String hostName, double total, Map<String, Double> weights) {
    public HostScore {
        requireNonNull(hostId, "hostId");
        requireNonNull(hostName, "hostName");
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }
}
