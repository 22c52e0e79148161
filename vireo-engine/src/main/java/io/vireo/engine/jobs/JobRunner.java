package io.vireo.engine.jobs;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.NotificationLoop;
import io.vireo.model.ErrorCode;
import io.vireo.model.JobStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Runs jobs on the leader: woken by PostgreSQL NOTIFY (or its next tick), it claims open jobs under
 * the current epoch and runs each on a virtual thread, step after step, from the first step not done.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final Database database;
    private final JobRepository repository;
    private final LeadershipLease leadership;
    private final EventLog events;
    private final StateChanges changes;
    private final Map<String, JobHandler<?, ?>> handlers;
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private volatile java.util.function.BooleanSupplier ready = () -> true;
    private NotificationLoop loop;

    public JobRunner(Database database, JobRepository repository, LeadershipLease leadership, EventLog events,
                     StateChanges changes, List<JobHandler<?, ?>> handlers) {
        this.database = requireNonNull(database, "database");
        this.repository = requireNonNull(repository, "repository");
        this.leadership = requireNonNull(leadership, "leadership");
        this.events = requireNonNull(events, "events");
        this.changes = requireNonNull(changes, "changes");
        this.handlers = new ConcurrentHashMap<>();
        for (JobHandler<?, ?> handler : handlers) {
            if (this.handlers.putIfAbsent(handler.kind().name(), handler) != null) {
                throw new IllegalArgumentException("Two handlers for jobs of kind " + handler.kind());
            }
        }
    }

    /**
     * Holds jobs back until the engine is ready for them: after a restart, until the agents of the
     * hosts that were Up have dialed in again (or a grace period passed), so a resumed step finds them.
     */
    public void readyWhen(java.util.function.BooleanSupplier condition) {
        this.ready = requireNonNull(condition, "condition");
    }

    public void start() {
        loop = new NotificationLoop(database, JobRepository.CHANNEL, "job-runner", new NotificationLoop.Listener() {
            @Override
            public void listening() {
                claimAndRun();
            }

            @Override
            public void woken(List<String> payloads) {
                claimAndRun();
            }
        });
        loop.start();
    }

    private void claimAndRun() {
        Optional<Long> epoch = leadership.epoch();
        if (epoch.isEmpty() || !ready.getAsBoolean()) {
            return;
        }
        for (JobRepository.ClaimedJob job : repository.claim(epoch.get(), 32)) {
            if (running.add(job.id())) {
                Thread.ofVirtual().name("job-" + job.kind() + "-" + job.id()).start(() -> run(job, epoch.get()));
            }
        }
    }

    private void run(JobRepository.ClaimedJob job, long epoch) {
        try {
            JobHandler<?, ?> handler = handlers.get(job.kind());
            if (handler == null) {
                fail(job, null, null, new JobFailure(ErrorCode.INTERNAL_ERROR, "This engine cannot run jobs of kind " + job.kind()));
                return;
            }
            run(job, handler, epoch);
        } finally {
            running.remove(job.id());
        }
    }

    private <P extends Record, S extends Enum<S>> void run(JobRepository.ClaimedJob job, JobHandler<P, S> handler, long epoch) {
        JobContext<P> context = null;
        try {
            context = new JobContext<>(job.id(), job.targetId(), handler.kind().readParams(job.params()), job.state(), epoch,
                    repository, changes);
            // the end of one step and the start of the next are one round of bookkeeping; the last step ends with the job
            Integer previous = null;
            for (JobRepository.StepRow step : repository.stepRows(job.id())) {
                if (step.status() == JobStatus.DONE) {
                    continue;
                }
                boolean ours = previous == null ? repository.beginStep(job.id(), epoch, step.position())
                        : repository.nextStep(job.id(), epoch, previous, step.position());
                if (!ours) {
                    log.warn("Job {} was taken over by a newer epoch; this engine stops running it", job.id());
                    return;
                }
                context.currentStep(step.position(), step.subjectId());
                runStep(handler, context, step);
                previous = step.position();
            }
            JobContext<P> done = context;
            Integer last = previous;
            database.jdbi().useTransaction(h -> {
                if (last != null) {
                    repository.endStep(h, job.id(), last, JobStatus.DONE, "");
                }
                handler.onSuccess(done, h);
                repository.finish(h, job.id(), JobStatus.DONE, null, null);
            });
        } catch (JobFailure failure) {
            fail(job, handler, context, failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Job {} ({}) failed unexpectedly", job.id(), job.kind(), e);
            fail(job, handler, context, new JobFailure(ErrorCode.INTERNAL_ERROR, "Unexpected error: " + e.getMessage()));
        }
    }

    private <P extends Record, S extends Enum<S>> void runStep(JobHandler<P, S> handler, JobContext<P> context,
                                                               JobRepository.StepRow step) throws InterruptedException {
        try {
            handler.run(handler.kind().step(step.step()), context);
        } catch (JobFailure failure) {
            repository.endStep(context.jobId(), step.position(), JobStatus.FAILED, failure.getMessage());
            throw failure;
        }
    }

    /** Ends the job FAILED after the handler's clean-up; none without a context (parameters that could not be read). */
    private <P extends Record> void fail(JobRepository.ClaimedJob job, JobHandler<P, ?> handler, JobContext<P> context,
                                         JobFailure failure) {
        try {
            if (handler != null && context != null) {
                handler.onFailure(context, failure);
            }
        } catch (RuntimeException e) {
            log.error("Cleaning up after job {} failed", job.id(), e);
        }
        database.jdbi().useTransaction(h -> {
            repository.finish(h, job.id(), JobStatus.FAILED, failure.code().name(), failure.getMessage());
            events.write(h, EventLog.Entry.error(job.kind() + "_FAILED", failure.getMessage()).job(job.id()));
        });
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
