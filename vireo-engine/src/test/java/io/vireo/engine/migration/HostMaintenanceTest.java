package io.vireo.engine.migration;

import io.vireo.engine.EngineFixture;
import io.vireo.engine.common.DomainException;
import io.vireo.model.Cluster;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.Job;
import io.vireo.model.Vm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Host maintenance on a real PostgreSQL: the evacuation job it records, and what it refuses. */
class HostMaintenanceTest {
    private final EngineFixture engine = new EngineFixture();
    private final HostMaintenance maintenance = new HostMaintenance(engine.jdbi, engine.hosts, engine.vms, engine.jobs,
            engine.events);
    private final Cluster cluster = engine.cluster("c1");
    private final Host host = engine.upHost(cluster, "h1");
    private final UUID hostId = UUID.fromString(host.id());

    @AfterEach
    void close() {
        engine.close();
    }

    /** A VM the host runs, as its agent reported it. */
    private Vm runningOnHost(String name) {
        Vm vm = engine.vm(cluster, name);
        engine.jdbi.useHandle(h -> h.createUpdate("UPDATE vms SET status = 'UP', host_id = :host WHERE id = :id")
                .bind("host", hostId).bind("id", UUID.fromString(vm.id())).execute());
        return vm;
    }

    @Test
    void deactivatingPlansOneEvacuationStepPerRunningVmKeyedByItsId() {
        Vm web = runningOnHost("web1");
        Vm db = runningOnHost("db1");
        engine.vm(cluster, "stopped");
        Job job = engine.jobs.job(maintenance.deactivate(hostId));
        assertThat(job.kind()).isEqualTo("DEACTIVATE_HOST");
        assertThat(job.steps()).extracting(Job.Step::name)
                .containsExactlyInAnyOrder("EVACUATE " + web.name(), "EVACUATE " + db.name(), "ENTER_MAINTENANCE");
        assertThat(job.steps().getLast().name()).isEqualTo("ENTER_MAINTENANCE");
        List<UUID> subjects = engine.jdbi.withHandle(h -> h.createQuery("SELECT subject_id FROM job_steps WHERE job_id = :job "
                + "AND step = 'EVACUATE' ORDER BY position").bind("job", UUID.fromString(job.id())).mapTo(UUID.class).list());
        assertThat(subjects).containsExactlyInAnyOrder(UUID.fromString(web.id()), UUID.fromString(db.id()));
        assertThat(engine.hosts.host(hostId).status()).isEqualTo(HostStatus.PREPARING_FOR_MAINTENANCE);
    }

    @Test
    void aHostIsDeactivatedOnceAndActivatedOnlyFromMaintenance() {
        assertThatThrownBy(() -> maintenance.activate(hostId))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.HOST_NOT_IN_MAINTENANCE))
                .hasMessage("Host h1 is UP, not in maintenance");
        maintenance.deactivate(hostId);
        assertThatThrownBy(() -> maintenance.deactivate(hostId))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENTITY_IN_USE));
        assertThat(engine.count("jobs")).isEqualTo(1);

        engine.jdbi.useHandle(h -> h.createUpdate("UPDATE hosts SET status = 'MAINTENANCE' WHERE id = :id").bind("id", hostId)
                .execute());
        engine.finishJobs();
        // back from maintenance: Connecting until its agent's heartbeat is seen again
        assertThat(maintenance.activate(hostId).status()).isEqualTo(HostStatus.CONNECTING);
    }

    @Test
    void anUnknownHostIsNotFound() {
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> maintenance.deactivate(unknown))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.HOST_NOT_FOUND));
        assertThat(engine.count("jobs")).isZero();
    }
}
