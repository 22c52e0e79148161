package io.vireo.model.rpc;

import java.util.UUID;

/** What a source host pushes while a VM migrates (notification migration.progress). */
public record MigrationProgress(
        UUID vmId,
        int percent,
        long dataRemainingBytes,
        long dataTotalBytes,
        int currentMaxDowntimeMs,
        MigrationPhase phase) {
}
