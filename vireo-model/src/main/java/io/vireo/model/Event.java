package io.vireo.model;

import java.time.Instant;

public record Event(long index, Instant time, String severity, String code, String message, String vmId,
                    String hostId, String jobId) {
}
