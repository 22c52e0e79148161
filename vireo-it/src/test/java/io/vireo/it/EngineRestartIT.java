package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SIGKILL the engine and start it again: nothing is lost, running VMs are adopted, jobs resume. */
class EngineRestartIT extends LabTest {

    private void restartEngine() throws Exception {
        lab.killEngine();
        lab.startEngine();
        // Up in the database is not enough: wait until both agents have dialed the new engine (they report stats)
        java.time.Instant restarted = java.time.Instant.now();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode hosts = api.get("/api/hosts?search=status=up").body();
            int fresh = 0;
            for (JsonNode host : hosts) {
                if (java.time.Instant.parse(host.get("lastSeenAt").asText()).isAfter(restarted)) {
                    fresh++;
                }
            }
            return fresh == 2;
        });
    }

    @Test
    void aRunningVmIsStillUpAndAdoptedAfterTheEngineIsKilled() throws Exception {
        String vmId = scenario.createGuest("survivor", List.of(scenario.createDisk("survivor-disk", 32)));
        scenario.action(vmId, "start", null);
        long tickBefore = scenario.awaitBooted(vmId);
        int vmsBefore = api.get("/api/vms").body().size();
        int eventsBefore = api.get("/api/events?from=0&max=10000").body().size();

        restartEngine();

        // the old token still works: sessions live in PostgreSQL
        JsonNode vm = scenario.vm(vmId);
        assertThat(vm.get("status").asText()).isEqualTo("UP");
        assertThat(api.get("/api/vms").body()).hasSize(vmsBefore);
        assertThat(api.get("/api/events?from=0&max=10000").body().size()).isGreaterThanOrEqualTo(eventsBefore);
        await().atMost(Duration.ofSeconds(30)).until(() -> Scenario.lastTick(scenario.consoleLog(vmId)) > tickBefore);
        assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);

        scenario.action(vmId, "stop", null);
        assertThat(scenario.vm(vmId).get("status").asText()).isEqualTo("DOWN");
    }

    @Test
    void aJobInterruptedByTheKillIsFinishedByTheNextEngine() throws Exception {
        String vmId = scenario.createGuest("interrupted", List.of());
        scenario.action(vmId, "start", null);
        scenario.awaitBooted(vmId);
        Api.Response accepted = api.post("/api/vms/" + vmId + "/shutdown", Map.of("timeoutSeconds", 15));
        assertThat(accepted.status()).isEqualTo(202);
        String jobId = accepted.body().get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                api.get("/api/jobs/" + jobId).body().get("steps").get(1).get("status").asText().equals("RUNNING"));

        restartEngine();

        JsonNode job = scenario.awaitJob(api.get("/api/jobs/" + jobId).body());
        assertThat(job.get("steps")).allMatch(step -> step.get("status").asText().equals("DONE"));
        assertThat(scenario.vm(vmId).get("status").asText()).isEqualTo("DOWN");
        assertThat(scenario.runningDomainsEverywhere()).doesNotContain(vmId);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void aMigrationInterruptedByTheKillEndsWithTheVmUpOnItsDestination() throws Exception {
        String vmId = scenario.createGuest("moving-target", List.of());
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.awaitBooted(vmId);
        assertThat(api.put("/api/vms/" + vmId, Map.of("migrationPolicy", Map.of("bandwidthMiBps", 2))).status()).isEqualTo(200);
        Api.Response accepted = api.post("/api/vms/" + vmId + "/migrate", Map.of("hostId", lab.hostId("h2")));
        assertThat(accepted.status()).isEqualTo(202);
        String jobId = accepted.body().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                api.get("/api/jobs/" + jobId).body().get("steps").get(1).get("status").asText().equals("RUNNING"));
        assertThat(scenario.vm(vmId).get("status").asText()).isEqualTo("MIGRATING_FROM");

        restartEngine();

        JsonNode job = scenario.awaitJob(api.get("/api/jobs/" + jobId).body());
        assertThat(job.get("status").asText()).isEqualTo("DONE");
        JsonNode vm = scenario.vm(vmId);
        assertThat(vm.get("status").asText()).isEqualTo("UP");
        assertThat(vm.get("hostId").asText()).isEqualTo(lab.hostId("h2"));
        assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);
        assertThat(lab.lab().host("h2").virsh("list", "--uuid")).contains(vmId);
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }
}
