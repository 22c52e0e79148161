package io.vireo.engine.affinity;

import org.jdbi.v3.core.Handle;

import java.util.Optional;
import java.util.UUID;

/**
 * The cluster a VM or a host belongs to, as the feature that owns it answers: empty when there is
 * no such VM or host. Affinity groups sit below VMs and hosts (they read the groups to place VMs),
 * so this package asks through this interface instead of reading their tables.
 */
@FunctionalInterface
public interface ClusterMembership {
    Optional<UUID> clusterOf(Handle h, UUID id);
}
