package io.vireo.engine.jobs;

import org.jdbi.v3.core.Handle;

/**
 * The steps of one kind of job. A step must be idempotent: after a crash or a change of leader the
 * step that was running is run again from its start.
 */
public interface JobHandler {
    String kind();

    /** Runs one step; returns normally when it is done, throws {@link JobFailure} when it cannot be. */
    void runStep(JobContext context, String step) throws InterruptedException;

    /** Puts things right after a failure (e.g. a VM that did not start goes back to Down). */
    default void onFailure(JobContext context, JobFailure failure) {
    }

    /** Called once when every step is done, in the job's final transaction. */
    default void onSuccess(JobContext context, Handle handle) {
    }
}
