package io.vireo.engine.jobs;

import io.vireo.engine.migration.DeactivateHostJob;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Jobs written before steps had ids resume after the upgrade: their steps get ids, an evacuation its VMs by id. */
class JobStepsUpgradeTest {
    private final UUID cluster = UUID.randomUUID();
    private final UUID host = UUID.randomUUID();
    private final UUID web1 = UUID.randomUUID();
    private final UUID removed = UUID.randomUUID();

    @Test
    void oldStepsAreKeyedByTheirStepAndAnOpenEvacuationByItsVms() {
        TestDatabase.External legacy = TestDatabase.emptyExternal();
        Flyway.configure().dataSource(legacy.url(), legacy.user(), legacy.password()).locations("classpath:db/migration").target("6").load()
                .migrate();
        UUID evacuation = UUID.randomUUID();
        UUID start = UUID.randomUUID();
        Jdbi.create(() -> java.sql.DriverManager.getConnection(legacy.url(), legacy.user(), legacy.password())).useTransaction(h -> {
            inventory(h);
            job(h, evacuation, "DEACTIVATE_HOST", host, "{\"vmIds\": [\"" + web1 + "\", \"" + removed + "\"]}",
                    List.of("EVACUATE web1", "EVACUATE gone", "ENTER_MAINTENANCE"));
            job(h, start, "START_VM", web1, "{}", List.of("SCHEDULE", "LAUNCH", "WAIT_UP"));
        });

        try (Database upgraded = new Database(legacy.url(), legacy.user(), legacy.password())) {
            JobRepository jobs = new JobRepository(upgraded.jdbi());
            assertThat(jobs.stepRows(evacuation)).extracting(JobRepository.StepRow::step, JobRepository.StepRow::subjectId)
                    .containsExactly(tuple("EVACUATE", web1), tuple("EVACUATE", null), tuple("ENTER_MAINTENANCE", null));
            assertThat(jobs.find(evacuation).orElseThrow().steps()).extracting(io.vireo.model.Job.Step::name)
                    .containsExactly("EVACUATE web1", "EVACUATE gone", "ENTER_MAINTENANCE");
            assertThat(jobs.stepRows(start)).extracting(JobRepository.StepRow::step).containsExactly("SCHEDULE", "LAUNCH", "WAIT_UP");
            String params = upgraded.jdbi().withHandle(h -> h.createQuery("SELECT params::text FROM jobs WHERE id = :id")
                    .bind("id", evacuation).mapTo(String.class).one());
            assertThat(DeactivateHostJob.KIND.readParams(JobRepository.MAPPER.readTree(params)).vms())
                    .containsExactly(new DeactivateHostJob.Evacuee(web1, "web1"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private void inventory(Handle h) {
        UUID dataCenter = UUID.randomUUID();
        h.createUpdate("INSERT INTO data_centers (id, name) VALUES (:id, 'dc')").bind("id", dataCenter).execute();
        h.createUpdate("INSERT INTO clusters (id, name, data_center_id) VALUES (:id, 'c', :dc)")
                .bind("id", cluster).bind("dc", dataCenter).execute();
        h.createUpdate("INSERT INTO hosts (id, name, address, cluster_id, status) VALUES (:id, 'h1', '10.0.0.1', :cluster, "
                + "'PREPARING_FOR_MAINTENANCE')").bind("id", host).bind("cluster", cluster).execute();
        h.createUpdate("INSERT INTO vms (id, name, cluster_id, vcpus, memory_mib, graphics, desired_state, status, host_id) "
                + "VALUES (:id, 'web1', :cluster, 1, 256, 'vnc', 'UP', 'UP', :host)")
                .bind("id", web1).bind("cluster", cluster).bind("host", host).execute();
    }

    private static void job(Handle h, UUID id, String kind, UUID target, String params, List<String> steps) {
        h.createUpdate("INSERT INTO jobs (id, kind, target_type, target_id, description, status, params) "
                        + "VALUES (:id, :kind, 'host', :target, 'old job', 'RUNNING', CAST(:params AS jsonb))")
                .bind("id", id).bind("kind", kind).bind("target", target).bind("params", params).execute();
        for (int i = 0; i < steps.size(); i++) {
            h.createUpdate("INSERT INTO job_steps (job_id, position, name, status) VALUES (:job, :position, :name, 'PENDING')")
                    .bind("job", id).bind("position", i).bind("name", steps.get(i)).execute();
        }
    }
}
