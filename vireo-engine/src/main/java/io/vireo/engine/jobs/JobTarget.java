package io.vireo.engine.jobs;

import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** What a job works on; the type decides who may see the job (see JobResource). */
public record JobTarget(String type, UUID id) {
    public JobTarget {
        requireNonNull(type, "type");
        requireNonNull(id, "id");
    }

    public static JobTarget vm(UUID id) {
        return new JobTarget("vm", id);
    }

    public static JobTarget disk(UUID id) {
        return new JobTarget("disk", id);
    }

    public static JobTarget host(UUID id) {
        return new JobTarget("host", id);
    }
}
