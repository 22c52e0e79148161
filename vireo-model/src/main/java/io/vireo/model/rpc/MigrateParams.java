package io.vireo.model.rpc;

import java.util.UUID;

/**
 * The params of vm.migrate: the libvirt URI of the destination host as the source's libvirtd
 * reaches it, and the policy (null for the agent's defaults).
 */
public record MigrateParams(UUID vmId, String destinationUri, MigrationPolicy policy) {
}
