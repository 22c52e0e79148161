package io.vireo.engine.jobs;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.ErrorCode;
import io.vireo.model.Job;
import io.vireo.model.JobStatus;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JobRunnerTest {
    private final Database database = TestDatabase.fresh();
    private final JobRepository jobs = new JobRepository(database.jdbi());
    private final EventLog events = new EventLog(database.jdbi());
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private LeadershipLease lease;
    private JobRunner runner;

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.close();
        }
        if (lease != null) {
            lease.close();
        }
        database.close();
    }

    private void startRunner(String instance, JobHandler handler) {
        lease = new LeadershipLease(database.jdbi(), instance, Duration.ofSeconds(10));
        lease.start();
        runner = new JobRunner(database, jobs, lease, events, List.of(handler));
        runner.start();
    }

    private UUID submit(String kind, List<String> steps) {
        return database.jdbi().inTransaction(h -> jobs.create(h, kind, "vm", UUID.randomUUID(), "test job", Map.of("x", 1), steps));
    }

    @Test
    void runsStepsInOrderAndEndsDone() {
        startRunner("a", new RecordingHandler("K", null));
        UUID id = submit("K", List.of("ONE", "TWO", "THREE"));
        await().atMost(Duration.ofSeconds(30)).until(() -> jobs.find(id).orElseThrow().ended());
        Job job = jobs.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.DONE);
        assertThat(job.steps()).extracting(Job.Step::status).containsOnly(JobStatus.DONE);
        assertThat(ran).containsExactly("ONE", "TWO", "THREE", "success");
    }

    @Test
    void aFailingStepFailsTheJobAndCallsCleanup() {
        startRunner("a", new RecordingHandler("K", "TWO"));
        UUID id = submit("K", List.of("ONE", "TWO", "THREE"));
        await().atMost(Duration.ofSeconds(30)).until(() -> jobs.find(id).orElseThrow().ended());
        Job job = jobs.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.errorCode()).isEqualTo("NO_HOST_AVAILABLE");
        assertThat(job.steps()).extracting(Job.Step::status).containsExactly(JobStatus.DONE, JobStatus.FAILED, JobStatus.PENDING);
        assertThat(ran).containsExactly("ONE", "TWO", "cleanup");
        assertThat(events.list(0, 100)).anyMatch(event -> event.code().equals("K_FAILED"));
    }

    @Test
    void aNewEpochResumesAJobFromItsCurrentStep() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        JobHandler hanging = new JobHandler() {
            @Override
            public String kind() {
                return "K";
            }

            @Override
            public void runStep(JobContext context, String step) throws InterruptedException {
                ran.add("first:" + step);
                if (step.equals("TWO")) {
                    context.putState("decided", "host-1");
                    stuck.countDown();
                    Thread.sleep(Long.MAX_VALUE);
                }
            }
        };
        startRunner("crashing-engine", hanging);
        UUID id = submit("K", List.of("ONE", "TWO", "THREE"));
        stuck.await();
        runner.close();
        lease.close();

        List<String> resumed = new CopyOnWriteArrayList<>();
        startRunner("next-engine", new JobHandler() {
            @Override
            public String kind() {
                return "K";
            }

            @Override
            public void runStep(JobContext context, String step) {
                resumed.add(step + ":" + context.state("decided").orElse("-"));
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> jobs.find(id).orElseThrow().ended());
        assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.DONE);
        assertThat(resumed).containsExactly("TWO:host-1", "THREE:host-1");
    }

    private final class RecordingHandler implements JobHandler {
        private final String kind;
        private final String failAt;

        RecordingHandler(String kind, String failAt) {
            this.kind = kind;
            this.failAt = failAt;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public void runStep(JobContext context, String step) {
            ran.add(step);
            if (step.equals(failAt)) {
                throw new JobFailure(ErrorCode.NO_HOST_AVAILABLE, "no host");
            }
        }

        @Override
        public void onFailure(JobContext context, JobFailure failure) {
            ran.add("cleanup");
        }

        @Override
        public void onSuccess(JobContext context, Handle handle) {
            ran.add("success");
        }
    }
}
