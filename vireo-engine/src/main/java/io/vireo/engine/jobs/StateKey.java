package io.vireo.engine.jobs;

import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * A typed entry of a job's durable state (a decision recorded before acting on it). Keys rather
 * than one record per kind because one job may hold the same decision for several subjects (an
 * evacuation records a destination per VM): {@link #about} scopes a key to a subject.
 */
public record StateKey<T>(String name, Class<T> type) {
    public StateKey {
        requireNonNull(name, "name");
        requireNonNull(type, "type");
    }

    public static <T> StateKey<T> of(String name, Class<T> type) {
        return new StateKey<>(name, type);
    }

    /** The same decision for one subject of the job; stored as {@code <subject>.<name>}. */
    public StateKey<T> about(UUID subjectId) {
        return new StateKey<>(requireNonNull(subjectId, "subjectId") + "." + name, type);
    }
}
