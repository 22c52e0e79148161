package io.vireo.engine.jobs;

import io.vireo.engine.common.Retention;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.JobStatus;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Finished jobs go with their steps after an age or beyond a count; a job not over stays, however old. */
class JobPruningTest {
    private static final Duration WEEK = Duration.ofDays(7);
    enum Steps { FIRST, SECOND }
    private static final JobKind<NoParams, Steps> TWO_STEPS = JobKind.of("TWO_STEPS", NoParams.class, Steps.class);

    private final Database database = TestDatabase.fresh();
    private final Jdbi jdbi = database.jdbi();
    private final JobRepository repository = new JobRepository(jdbi);
    private final JobService jobs = new JobService(jdbi, repository);

    @AfterEach
    void close() {
        database.close();
    }

    private UUID job(JobStatus end) {
        UUID id = jdbi.inTransaction(h -> jobs.create(h, TWO_STEPS, JobTarget.vm(UUID.randomUUID()), "a job", NoParams.NONE));
        if (end != null) {
            jdbi.useHandle(h -> repository.finish(h, id, end, null, null));
        }
        return id;
    }

    private int count(String table) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Integer.class).one());
    }

    private Instant endOf(UUID id) {
        return jobs.job(id).endedAt();
    }

    @Test
    void finishedJobsOlderThanTheAgeGoWithTheirStepsAndOpenOnesStay() {
        UUID done = job(JobStatus.DONE);
        UUID failed = job(JobStatus.FAILED);
        UUID running = job(null);
        UUID doneLater = job(JobStatus.DONE);
        assertThat(count("job_steps")).isEqualTo(8);
        Retention week = new Retention(WEEK, 100_000);

        // a week after the failed one ended: the done one before it is past keeping, the failed one not yet
        assertThat(jobs.pruneFinished(endOf(failed).plus(WEEK), week)).isEqualTo(1);
        assertThat(jobs.find(done)).isEmpty();
        assertThat(jobs.find(failed)).isPresent();
        assertThat(count("job_steps")).isEqualTo(6);

        // a year on: every finished job goes, the one that is not over stays
        assertThat(jobs.pruneFinished(Instant.now().plus(Duration.ofDays(365)), week)).isEqualTo(2);
        assertThat(jobs.find(running)).isPresent();
        assertThat(jobs.find(doneLater)).isEmpty();
        assertThat(count("jobs")).isEqualTo(1);
        assertThat(count("job_steps")).isEqualTo(2);
    }

    @Test
    void beyondTheCountTheOldestFinishedGo() {
        List<UUID> finished = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            finished.add(job(JobStatus.DONE));
        }
        UUID open = job(null);

        assertThat(jobs.pruneFinished(Instant.now(), new Retention(WEEK, 2))).isEqualTo(3);
        assertThat(finished.stream().filter(id -> jobs.find(id).isPresent()).toList()).containsExactly(finished.get(3), finished.get(4));
        assertThat(jobs.find(open)).isPresent();
        assertThat(jobs.pruneFinished(Instant.now(), new Retention(WEEK, 2))).isZero();
    }
}
