package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Live migration between lab hosts through the API: moves, the scheduler's choice, cancel, evacuation. */
class MigrationIT extends LabTest {

    private String otherHost(String hostId) {
        return hostId.equals(lab.hostId("h1")) ? lab.hostId("h2") : lab.hostId("h1");
    }

    private JsonNode lastEvent(String code, String vmId) {
        JsonNode found = null;
        for (JsonNode event : api.get("/api/events?from=0&max=10000").body()) {
            if (event.get("code").asText().equals(code) && vmId.equals(event.path("vmId").asText())) {
                found = event;
            }
        }
        return found;
    }

    @Test
    void aGuestMigratesBackAndForthAndKeepsRunning() {
        String vmId = scenario.createGuest("traveller", List.of(scenario.createDisk("traveller-disk", 16)));
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.awaitBooted(vmId);
        for (String target : List.of("h2", "h1")) {
            long tickBefore = Scenario.lastTick(scenario.consoleLog(vmId));
            JsonNode job = scenario.action(vmId, "migrate", Map.of("hostId", lab.hostId(target)));
            assertThat(job.get("steps")).extracting(step -> step.get("name").asText())
                    .containsExactly("CHOOSE_DESTINATION", "MIGRATE", "CONFIRM");
            JsonNode vm = scenario.vm(vmId);
            assertThat(vm.get("status").asText()).isEqualTo("UP");
            assertThat(vm.get("hostId").asText()).isEqualTo(lab.hostId(target));
            assertThat(vm.get("migratingToHostId").isNull()).isTrue();
            assertThat(lab.lab().host(target).virsh("list", "--uuid")).contains(vmId);
            assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);
            await().atMost(Duration.ofSeconds(30)).until(() -> Scenario.lastTick(scenario.consoleLog(vmId)) > tickBefore + 2);
            JsonNode event = lastEvent("VM_MIGRATED", vmId);
            assertThat(event.get("message").asText()).containsPattern("in \\d+ ms, downtime \\d+ ms");
            System.out.println("migration to " + target + ": " + event.get("message").asText());
        }
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId + "?removeDisks=true").status()).isEqualTo(202);
    }

    @Test
    void withoutADestinationTheSchedulerPicksTheOtherHost() {
        String vmId = scenario.createGuest("wanderer", List.of());
        scenario.action(vmId, "start", null);
        String before = scenario.hostOf(vmId);
        scenario.action(vmId, "migrate", null);
        assertThat(scenario.hostOf(vmId)).isEqualTo(otherHost(before));
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void aSlowMigrationCanBeCancelledAndTheVmStaysOnItsSource() {
        String vmId = scenario.createGuest("slowpoke", List.of());
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.awaitBooted(vmId);
        assertThat(api.put("/api/vms/" + vmId, Map.of("migrationPolicy", Map.of("bandwidthMiBps", 1))).status()).isEqualTo(200);
        Api.Response accepted = api.post("/api/vms/" + vmId + "/migrate", Map.of("hostId", lab.hostId("h2")));
        assertThat(accepted.status()).isEqualTo(202);
        String jobId = accepted.body().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> scenario.vm(vmId).get("status").asText().equals("MIGRATING_FROM")
                && api.get("/api/jobs/" + jobId).body().get("steps").get(1).get("status").asText().equals("RUNNING"));
        assertThat(scenario.vm(vmId).get("migratingToHostId").asText()).isEqualTo(lab.hostId("h2"));
        assertThat(api.post("/api/vms/" + vmId + "/start", null).status()).isEqualTo(409);
        // the source host's progress reports show on the job's step
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/jobs/" + jobId).body().get("steps").get(1)
                .path("message").asText().contains("MiB left"));

        Api.Response cancelled = api.post("/api/vms/" + vmId + "/cancelmigration", null);
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/jobs/" + jobId).body().get("status").asText().equals("FAILED"));
        assertThat(api.get("/api/jobs/" + jobId).body().get("errorCode").asText()).isEqualTo("MIGRATION_CANCELLED");
        scenario.awaitStatus(vmId, "UP", Duration.ofSeconds(10));
        assertThat(scenario.hostOf(vmId)).isEqualTo(lab.hostId("h1"));
        assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);
        assertThat(api.post("/api/vms/" + vmId + "/cancelmigration", null).status()).isEqualTo(409);
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void aMigrationThatCannotConvergeRaisesTheDowntimeThenAborts() {
        String vmId = scenario.createGuest("restless", List.of(), "labdirty=8");
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.awaitBooted(vmId);
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.consoleLog(vmId).contains("GUEST-DIRTYING"));
        assertThat(api.put("/api/vms/" + vmId, Map.of("migrationPolicy", Map.of("bandwidthMiBps", 1, "stallSeconds", 2,
                "downtimeStepsMs", List.of(150, 300), "postCopy", false))).status()).isEqualTo(200);
        Api.Response accepted = api.post("/api/vms/" + vmId + "/migrate", Map.of("hostId", lab.hostId("h2")));
        assertThat(accepted.status()).isEqualTo(202);
        String jobId = accepted.body().get("id").asText();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> api.get("/api/jobs/" + jobId).body().get("status").asText().equals("FAILED"));
        JsonNode job = api.get("/api/jobs/" + jobId).body();
        System.out.println("non-converging migration: " + job.get("errorMessage").asText());
        assertThat(job.get("errorCode").asText()).isEqualTo("MIGRATION_FAILED");
        assertThat(job.get("errorMessage").asText()).contains("did not converge");
        scenario.awaitStatus(vmId, "UP", Duration.ofSeconds(10));
        assertThat(scenario.hostOf(vmId)).isEqualTo(lab.hostId("h1"));
        assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void deactivatingAHostEvacuatesItsVmsThenActivateBringsItBack() {
        String first = scenario.createGuest("evacuee-1", List.of());
        String second = scenario.createGuest("evacuee-2", List.of());
        scenario.action(first, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.action(second, "start", Map.of("hostId", lab.hostId("h1")));
        Api.Response accepted = api.post("/api/hosts/" + lab.hostId("h1") + "/deactivate", null);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode job = scenario.awaitJob(accepted.body());
        assertThat(job.get("steps")).extracting(step -> step.get("name").asText())
                .contains("EVACUATE evacuee-1", "EVACUATE evacuee-2", "ENTER_MAINTENANCE");
        assertThat(api.get("/api/hosts/" + lab.hostId("h1")).body().get("status").asText()).isEqualTo("MAINTENANCE");
        assertThat(scenario.hostOf(first)).isEqualTo(lab.hostId("h2"));
        assertThat(scenario.hostOf(second)).isEqualTo(lab.hostId("h2"));

        String late = scenario.createGuest("late-comer", List.of());
        Api.Response refused = api.post("/api/vms/" + late + "/start", Map.of("hostId", lab.hostId("h1")));
        assertThat(refused.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/jobs/" + refused.body().get("id").asText()).body()
                .get("status").asText().equals("FAILED"));
        assertThat(api.get("/api/jobs/" + refused.body().get("id").asText()).body().get("errorMessage").asText())
                .containsIgnoringCase("maintenance");

        assertThat(api.post("/api/hosts/" + lab.hostId("h1") + "/activate", null).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/hosts/" + lab.hostId("h1")).body().get("status").asText()
                .equals("UP"));
        assertThat(api.post("/api/hosts/" + lab.hostId("h1") + "/activate", null).status()).isEqualTo(409);
        for (String vmId : List.of(first, second)) {
            scenario.action(vmId, "stop", null);
            assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
        }
        assertThat(api.delete("/api/vms/" + late).status()).isEqualTo(200);
    }
}
