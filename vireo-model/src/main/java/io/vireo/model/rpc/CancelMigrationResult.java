package io.vireo.model.rpc;

/** How vm.cancelMigration ended: false when no migration of the VM ran. */
public record CancelMigrationResult(boolean cancelled) {
}
