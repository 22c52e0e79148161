package io.vireo.engine.jobs;

import io.vireo.engine.FakeClock;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

class JobRunnerTest {
    private final Database database = TestDatabase.fresh();
    private final JobRepository jobs = new JobRepository(database.jdbi());
    private final EventLog events = new EventLog(database.jdbi());
    private final FakeClock clock = new FakeClock();
    /** A safety tick that never comes within a test: a waiting step here ends by a signal or not at all. */
    private final StateChanges changes = new StateChanges(clock, Duration.ofHours(1));
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

    private void startRunner(String instance, JobHandler<?, ?> handler) {
        lease = new LeadershipLease(database.jdbi(), instance, Duration.ofSeconds(10));
        lease.start();
        runner = new JobRunner(database, jobs, lease, events, changes, List.of(handler));
        runner.start();
    }

    private <P extends Record> UUID submit(JobKind<P, ?> kind, P params) {
        return database.jdbi().inTransaction(h -> jobs.create(h, kind, JobTarget.vm(UUID.randomUUID()), "test job", params));
    }

    private Job awaitEnd(UUID id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jobs.find(id).orElseThrow().ended());
        return jobs.find(id).orElseThrow();
    }

    // a kind with typed parameters and three steps, that fails at a chosen step

    record Greeting(String text, int times, String failAt) {
    }

    enum Three { ONE, TWO, THREE }

    static final JobKind<Greeting, Three> THREE_STEPS = JobKind.of("THREE_STEPS", Greeting.class, Three.class);

    private class Recording implements JobHandler<Greeting, Three> {
        @Override
        public JobKind<Greeting, Three> kind() {
            return THREE_STEPS;
        }

        @Override
        public void run(Three step, JobContext<Greeting> context) {
            Greeting params = context.params();
            ran.add(step + ":" + params.text() + "x" + params.times());
            if (step.name().equals(params.failAt())) {
                throw new JobFailure(ErrorCode.NO_HOST_AVAILABLE, "no host for " + step);
            }
        }

        @Override
        public void onFailure(JobContext<Greeting> context, JobFailure failure) {
            ran.add("cleanup after " + failure.code());
        }

        @Override
        public void onSuccess(JobContext<Greeting> context, Handle handle) {
            ran.add("success");
        }
    }

    @Test
    void runsTheStepsOfItsKindInOrderWithTheTypedParameters() {
        startRunner("a", new Recording());
        Job job = awaitEnd(submit(THREE_STEPS, new Greeting("hello", 2, null)));
        assertThat(job.kind()).isEqualTo("THREE_STEPS");
        assertThat(job.status()).isEqualTo(JobStatus.DONE);
        assertThat(job.steps()).extracting(Job.Step::name).containsExactly("ONE", "TWO", "THREE");
        assertThat(job.steps()).extracting(Job.Step::status).containsOnly(JobStatus.DONE);
        assertThat(ran).containsExactly("ONE:hellox2", "TWO:hellox2", "THREE:hellox2", "success");
    }

    @Test
    void aFailingStepFailsTheJobWithItsCodeAndRunsTheCleanUp() {
        startRunner("a", new Recording());
        Job job = awaitEnd(submit(THREE_STEPS, new Greeting("hello", 1, "TWO")));
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.errorCode()).isEqualTo("NO_HOST_AVAILABLE");
        assertThat(job.errorMessage()).isEqualTo("no host for TWO");
        assertThat(job.steps()).extracting(Job.Step::status).containsExactly(JobStatus.DONE, JobStatus.FAILED, JobStatus.PENDING);
        assertThat(job.steps().get(1).message()).isEqualTo("no host for TWO");
        assertThat(ran).containsExactly("ONE:hellox1", "TWO:hellox1", "cleanup after NO_HOST_AVAILABLE");
        assertThat(events.list(0, 100)).anyMatch(event -> event.code().equals("THREE_STEPS_FAILED"));
    }

    // a job whose engine dies in the middle of a step

    static final StateKey<UUID> DECIDED = StateKey.of("decided", UUID.class);

    @Test
    void aNewEpochResumesAJobAtTheStepThatWasRunningWithItsRecordedState() throws Exception {
        UUID host = UUID.randomUUID();
        CountDownLatch stuck = new CountDownLatch(1);
        List<Long> epochs = new CopyOnWriteArrayList<>();
        startRunner("crashing-engine", new Recording() {
            @Override
            public void run(Three step, JobContext<Greeting> context) {
                ran.add("first:" + step);
                if (step == Three.TWO) {
                    context.putState(DECIDED, host);
                    epochs.add(context.epoch());
                    stuck.countDown();
                    // the engine dies here: this step never ends
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        UUID id = submit(THREE_STEPS, new Greeting("hello", 1, null));
        stuck.await();
        runner.close();
        lease.close();

        List<String> resumed = new CopyOnWriteArrayList<>();
        startRunner("next-engine", new Recording() {
            @Override
            public void run(Three step, JobContext<Greeting> context) {
                epochs.add(context.epoch());
                resumed.add(step + ":" + context.state(DECIDED).map(UUID::toString).orElse("-"));
            }
        });
        Job job = awaitEnd(id);
        assertThat(job.status()).isEqualTo(JobStatus.DONE);
        assertThat(ran).containsExactly("first:ONE", "first:TWO", "success");
        assertThat(resumed).containsExactly("TWO:" + host, "THREE:" + host);
        assertThat(epochs.get(1)).isGreaterThan(epochs.get(0));
    }

    // a step that waits for an object's state

    record Wait(UUID objectId, int timeoutSeconds) {
    }

    enum Waiting { WAIT }

    static final JobKind<Wait, Waiting> WAITING = JobKind.of("WAITING", Wait.class, Waiting.class);

    private final Set<UUID> arrived = ConcurrentHashMap.newKeySet();

    private final class Waiter implements JobHandler<Wait, Waiting> {
        @Override
        public JobKind<Wait, Waiting> kind() {
            return WAITING;
        }

        @Override
        public void run(Waiting step, JobContext<Wait> context) throws InterruptedException {
            UUID object = context.params().objectId();
            if (!context.await(object, () -> arrived.contains(object), Duration.ofSeconds(context.params().timeoutSeconds()))) {
                throw new JobFailure(ErrorCode.AGENT_ERROR, "object " + object + " did not arrive");
            }
        }
    }

    @Test
    void aWaitingStepIsWokenByTheSignalOfItsObject() {
        startRunner("a", new Waiter());
        UUID object = UUID.randomUUID();
        UUID id = submit(WAITING, new Wait(object, 120));
        await().atMost(Duration.ofSeconds(30)).until(() -> changes.waiting(object) == 1);

        arrived.add(object);
        changes.changed(object);

        // the safety tick is an hour away: only the signal can have ended the wait
        Job job = awaitEnd(id);
        assertThat(job.status()).isEqualTo(JobStatus.DONE);
    }

    @Test
    void aWaitingStepTimesOutOnTheClockWithoutTheTestWaitingForIt() {
        startRunner("a", new Waiter());
        UUID object = UUID.randomUUID();
        UUID id = submit(WAITING, new Wait(object, 600));
        await().atMost(Duration.ofSeconds(30)).until(() -> changes.waiting(object) == 1);

        clock.advance(Duration.ofSeconds(600));
        changes.changed(object);

        Job job = awaitEnd(id);
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.errorCode()).isEqualTo("AGENT_ERROR");
        assertThat(job.errorMessage()).isEqualTo("object " + object + " did not arrive");
    }

    // a kind that repeats a step per subject

    record Item(UUID id, String name) {
    }

    record Items(List<Item> items) {
    }

    enum PerItem { HANDLE, FINISH }

    static final JobKind<Items, PerItem> PER_ITEM = JobKind.of("PER_ITEM", Items.class, PerItem.class).plannedBy(params -> {
        List<PlannedStep<PerItem>> plan = new ArrayList<>();
        for (Item item : params.items()) {
            plan.add(PlannedStep.about(PerItem.HANDLE, item.id(), "HANDLE " + item.name()));
        }
        plan.add(PlannedStep.of(PerItem.FINISH));
        return plan;
    });

    @Test
    void stepsWithSubjectsArePlannedFromTheParametersAndRunPerSubject() {
        startRunner("a", new JobHandler<Items, PerItem>() {
            @Override
            public JobKind<Items, PerItem> kind() {
                return PER_ITEM;
            }

            @Override
            public void run(PerItem step, JobContext<Items> context) {
                ran.add(step + ":" + context.subjectId().map(UUID::toString).orElse("-"));
            }
        });
        Item first = new Item(UUID.randomUUID(), "web1");
        Item second = new Item(UUID.randomUUID(), "web2");
        UUID id = submit(PER_ITEM, new Items(List.of(first, second)));

        Job job = awaitEnd(id);
        assertThat(job.status()).isEqualTo(JobStatus.DONE);
        assertThat(job.steps()).extracting(Job.Step::name).containsExactly("HANDLE web1", "HANDLE web2", "FINISH");
        assertThat(jobs.stepRows(id)).extracting(JobRepository.StepRow::step, JobRepository.StepRow::subjectId)
                .containsExactly(tuple("HANDLE", first.id()),
                        tuple("HANDLE", second.id()), tuple("FINISH", null));
        assertThat(ran).containsExactly("HANDLE:" + first.id(), "HANDLE:" + second.id(), "FINISH:-");
    }
}
