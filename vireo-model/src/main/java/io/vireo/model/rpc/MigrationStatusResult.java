package io.vireo.model.rpc;

/** Whether a VM's outgoing migration runs, and how far it is ({@code progress} null when none runs). */
public record MigrationStatusResult(boolean active, MigrationProgress progress) {
}
