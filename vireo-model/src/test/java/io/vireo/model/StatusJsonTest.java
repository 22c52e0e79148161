package io.vireo.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The status enums show in the API's JSON as the same strings the bare String fields did. */
class StatusJsonTest {
    private static final ObjectMapper MAPPER = Json.strictMapper();
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");

    @Test
    void jobAndStepStatusesAreTheirNames() throws Exception {
        Job job = new Job("j1", "START_VM", "vm", "v1", "Start web1", JobStatus.RUNNING, null, null,
                List.of(new Job.Step(0, "SCHEDULE", JobStatus.DONE, 100, "", NOW, NOW),
                        new Job.Step(1, "LAUNCH", JobStatus.FAILED, 20, "no", NOW, NOW),
                        new Job.Step(2, "WAIT_UP", JobStatus.PENDING, 0, "", null, null)), NOW, null);
        JsonNode json = MAPPER.valueToTree(job);
        assertThat(json.get("status").asText()).isEqualTo("RUNNING");
        assertThat(json.get("steps").findValuesAsText("status")).containsExactly("DONE", "FAILED", "PENDING");
        assertThat(MAPPER.treeToValue(json, Job.class)).isEqualTo(job);
        assertThat(job.ended()).isFalse();
    }

    @Test
    void diskAndPoolStatusesAreTheirNames() {
        Disk disk = new Disk("d1", "web1-disk", "sd1", 1024, "qcow2", DiskStatus.ILLEGAL, "/srv/d1.qcow2", null, 0, NOW);
        assertThat(MAPPER.<JsonNode>valueToTree(disk).get("status").asText()).isEqualTo("ILLEGAL");
        VmPool pool = new VmPool("p1", "desks", "", "c1", "t1", "AUTOMATIC", 2, 0, 1, VmPoolStatus.DELETING, 2, 0, 0, 0, NOW);
        assertThat(MAPPER.<JsonNode>valueToTree(pool).get("status").asText()).isEqualTo("DELETING");
    }

    @Test
    void aJobHasEndedWhenDoneOrFailed() {
        assertThat(List.of(JobStatus.values())).filteredOn(JobStatus::ended).containsExactly(JobStatus.DONE, JobStatus.FAILED);
    }
}
