package io.vireo.engine.jobs;

/** The parameters of a kind of job that needs none. */
public record NoParams() {
    public static final NoParams NONE = new NoParams();
}
