package io.vireo.model;

import java.time.Instant;
import java.util.List;

/** A long operation: ordered steps, each pending, running, done or failed. */
public record Job(
        String id,
        String kind,
        String targetType,
        String targetId,
        String description,
        JobStatus status,
        String errorCode,
        String errorMessage,
        List<Step> steps,
        Instant createdAt,
        Instant endedAt) {
    public record Step(int position, String name, JobStatus status, int progress, String message, Instant startedAt,
                       Instant endedAt) {
    }

    public boolean ended() {
        return status.ended();
    }
}
