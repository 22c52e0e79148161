package io.vireo.engine.scheduling;

import static java.util.Objects.requireNonNull;

/** Why one host cannot run a VM: the first filter that refused it, in its words. */
public record Rejection(String hostId, String hostName, String filter, String reason) {
    public Rejection {
        requireNonNull(hostId, "hostId");
        requireNonNull(hostName, "hostName");
        requireNonNull(filter, "filter");
        requireNonNull(reason, "reason");
    }
}
