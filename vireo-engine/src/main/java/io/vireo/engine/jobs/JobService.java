package io.vireo.engine.jobs;

import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Retention;
import io.vireo.engine.store.Batches;
import io.vireo.model.ErrorCode;
import io.vireo.model.Job;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** What other features do with jobs: record one in their transaction, refuse a second on a busy target, show one. */
public final class JobService {
    private final Jdbi jdbi;
    private final JobRepository jobs;

    public JobService(Jdbi jdbi, JobRepository jobs) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
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

    /**
     * Removes the jobs that ended (done or failed) longer ago than the retention's age, then the
     * oldest finished ones beyond its count, with their steps, in batches; a job not over stays,
     * however old. Answers how many went.
     */
    public long pruneFinished(Instant now, Retention retention) {
        var cutoff = now.minus(retention.maxAge()).atOffset(ZoneOffset.UTC);
        long removed = Batches.deleteAll(jdbi, (h, limit) -> jobs.deleteFinishedBefore(h, cutoff, limit));
        Optional<JobRepository.Finished> beyond = jdbi.withHandle(h -> jobs.newestFinishedBeyond(h, retention.maxRows()));
        if (beyond.isPresent()) {
            removed += Batches.deleteAll(jdbi, (h, limit) -> jobs.deleteFinishedUpTo(h, beyond.get(), limit));
        }
        return removed;
    }
}
