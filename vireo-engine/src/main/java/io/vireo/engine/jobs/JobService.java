package io.vireo.engine.jobs;

import io.vireo.engine.common.NotFoundException;
import io.vireo.model.ErrorCode;
import io.vireo.model.Job;
import org.jdbi.v3.core.Handle;

import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** What other features do with jobs: record one in their transaction, refuse a second on a busy target, show one. */
public final class JobService {
    private final JobRepository jobs;

    public JobService(JobRepository jobs) {
        this.jobs = requireNonNull(jobs, "jobs");
    }

    /** Records a job of the kind, with its planned steps, in the caller's transaction; the runner is woken when that commits. */
    public <P extends Record, S extends Enum<S>> UUID create(Handle h, JobKind<P, S> kind, JobTarget target, String description,
                                                              P params) {
        return jobs.create(h, kind, target, description, params);
    }

    /** A job that is not over and works on this target (one long operation per object at a time). */
    public Optional<UUID> openJobFor(Handle h, UUID targetId) {
        return jobs.openJobFor(h, targetId);
    }

    /** How many jobs of the kind that are not over work on any of the targets. */
    public int countOpen(String kind, java.util.Collection<UUID> targets) {
        return targets.isEmpty() ? 0 : jobs.countOpen(kind, targets);
    }

    public Optional<Job> find(UUID id) {
        return jobs.find(id);
    }

    public Job job(UUID id) {
        return jobs.find(id).orElseThrow(() -> NotFoundException.of(ErrorCode.JOB_NOT_FOUND, "job", id));
    }
}
