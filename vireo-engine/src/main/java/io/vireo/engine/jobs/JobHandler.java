package io.vireo.engine.jobs;

import org.jdbi.v3.core.Handle;

/**
 * Runs the steps of one kind of job. A step must be idempotent: after a crash or a change of leader
 * the step that was running is run again from its start, with the state recorded so far.
 */
public interface JobHandler<P extends Record, S extends Enum<S>> {
    JobKind<P, S> kind();

    /** Runs one step; returns normally when it is done, throws {@link JobFailure} when it cannot be. */
    void run(S step, JobContext<P> context) throws InterruptedException;

    /** Puts things right after a failure (e.g. a VM that did not start goes back to Down). */
    default void onFailure(JobContext<P> context, JobFailure failure) {
    }

    /** Called once when every step is done, in the job's final transaction. */
    default void onSuccess(JobContext<P> context, Handle handle) {
    }
}
