package io.vireo.model;

/** Where a job stands, and where each of its steps stands: both go the same way, pending to done or failed. */
public enum JobStatus {
    PENDING, RUNNING, DONE, FAILED;

    public boolean ended() {
        return this == DONE || this == FAILED;
    }
}
