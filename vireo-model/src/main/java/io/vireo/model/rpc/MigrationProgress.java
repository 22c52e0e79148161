package io.vireo.model.rpc;

/** What a source host pushes while a VM migrates (notification migration.progress). */
public record MigrationProgress(
        String vmId,
        int percent,
        long dataRemainingBytes,
        long dataTotalBytes,
        int currentMaxDowntimeMs,
        String phase) {
}
