package io.vireo.engine.common;

import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** The user behind a request and the groups it belonged to when the request began. */
public record Principal(UUID id, String name, Set<UUID> groupIds) {
    public Principal {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        groupIds = Set.copyOf(groupIds);
    }
}
