package io.vireo.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Affinity groups kept at start and migration, and soft ones repaired by the balancer. */
class AffinityIT extends LabTest {

    private String group(String name, String kind, boolean positive, boolean enforcing, List<String> vms, List<String> hosts) {
        Api.Response created = api.post("/api/affinitygroups", Map.of("name", name, "clusterId", lab.clusterId(), "kind", kind,
                "positive", positive, "enforcing", enforcing, "vmIds", vms, "hostIds", hosts));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.body().get("id").asText();
    }

    private Api.Response failedJob(Api.Response accepted) {
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String jobId = accepted.body().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/jobs/" + jobId).body().get("status").asText().equals("FAILED"));
        return api.get("/api/jobs/" + jobId);
    }

    private void cleanUp(List<String> groups, List<String> vms) {
        groups.forEach(group -> assertThat(api.delete("/api/affinitygroups/" + group).status()).isEqualTo(204));
        for (String vm : vms) {
            if (!scenario.vm(vm).get("status").asText().equals("DOWN")) {
                scenario.action(vm, "stop", null);
            }
            assertThat(api.delete("/api/vms/" + vm).status()).isEqualTo(200);
        }
    }

    @Test
    void hardApartKeepsTwoVmsOnDifferentHostsAtStartAndMigration() {
        String a = scenario.createGuest("apart-a", List.of());
        String b = scenario.createGuest("apart-b", List.of());
        String group = group("keep-apart", "VM_TO_VM", false, true, List.of(a, b), List.of());
        scenario.action(a, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.action(b, "start", null);
        assertThat(scenario.hostOf(b)).isEqualTo(lab.hostId("h2"));

        Api.Response refused = failedJob(api.post("/api/vms/" + b + "/migrate", Map.of("hostId", lab.hostId("h1"))));
        assertThat(refused.body().get("errorCode").asText()).isEqualTo("NO_HOST_AVAILABLE");
        assertThat(refused.body().get("errorMessage").asText()).contains("keep-apart");
        Api.Response nowhere = failedJob(api.post("/api/vms/" + a + "/migrate", null));
        assertThat(nowhere.body().get("errorMessage").asText()).contains("No host can run VM apart-a").contains("h2");
        assertThat(scenario.hostOf(a)).isEqualTo(lab.hostId("h1"));
        assertThat(scenario.vm(b).get("status").asText()).isEqualTo("UP");
        cleanUp(List.of(group), List.of(a, b));
    }

    @Test
    void hardVmToHostPinsAVmToItsHosts() {
        String pinned = scenario.createGuest("pinned", List.of());
        String group = group("pinned-to-h2", "VM_TO_HOST", true, true, List.of(pinned), List.of(lab.hostId("h2")));
        Api.Response refused = failedJob(api.post("/api/vms/" + pinned + "/start", Map.of("hostId", lab.hostId("h1"))));
        assertThat(refused.body().get("errorMessage").asText()).contains("pinned-to-h2");
        scenario.action(pinned, "start", null);
        assertThat(scenario.hostOf(pinned)).isEqualTo(lab.hostId("h2"));
        cleanUp(List.of(group), List.of(pinned));
    }

    @Test
    void maintenanceStopsWithTheReasonWhenAVmCanGoNowhere() {
        String anchored = scenario.createGuest("anchored", List.of());
        String group = group("anchored-to-h1", "VM_TO_HOST", true, true, List.of(anchored), List.of(lab.hostId("h1")));
        scenario.action(anchored, "start", null);
        assertThat(scenario.hostOf(anchored)).isEqualTo(lab.hostId("h1"));
        Api.Response job = failedJob(api.post("/api/hosts/" + lab.hostId("h1") + "/deactivate", null));
        assertThat(job.body().get("errorMessage").asText()).contains("anchored").contains("anchored-to-h1");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get("/api/hosts/" + lab.hostId("h1")).body().get("status").asText().equals("UP"));
        assertThat(scenario.vm(anchored).get("status").asText()).isEqualTo("UP");
        assertThat(scenario.hostOf(anchored)).isEqualTo(lab.hostId("h1"));
        cleanUp(List.of(group), List.of(anchored));
    }

    @Test
    void theBalancerBringsSoftTogetherVmsTogether() {
        String c = scenario.createGuest("together-c", List.of());
        String d = scenario.createGuest("together-d", List.of());
        scenario.action(c, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.action(d, "start", Map.of("hostId", lab.hostId("h2")));
        String group = group("rather-together", "VM_TO_VM", true, false, List.of(c, d), List.of());
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> scenario.hostOf(c).equals(scenario.hostOf(d)) && scenario.vm(c).get("status").asText().equals("UP")
                        && scenario.vm(d).get("status").asText().equals("UP"));
        assertThat(api.get("/api/events?from=0&max=10000").body()).anyMatch(event ->
                event.get("code").asText().equals("VM_BALANCED") && event.get("message").asText().contains("together-"));
        assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(c).containsOnlyOnce(d);
        cleanUp(List.of(group), List.of(c, d));
    }

    @Test
    void clusterPoliciesAreValidatedAndApplied() {
        Api.Response bad = api.put("/api/clusters/" + lab.clusterId(), Map.of("schedulingPolicy", "power_saving",
                "schedulingParameters", Map.of("lowUtilization", 90, "highUtilization", 80)));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.error()).isEqualTo("INVALID_FIELD");
        assertThat(api.put("/api/clusters/" + lab.clusterId(), Map.of("schedulingPolicy", "chaos")).status()).isEqualTo(400);
        assertThat(api.put("/api/clusters/" + lab.clusterId(), Map.of("migrationPolicy", Map.of("maxDowntimeMs", 0))).status())
                .isEqualTo(400);
        Api.Response good = api.put("/api/clusters/" + lab.clusterId(), Map.of("migrationPolicy", Map.of("maxDowntimeMs", 80),
                "maxOutgoingMigrations", 3));
        assertThat(good.status()).as(good.toString()).isEqualTo(200);
        assertThat(good.body().get("migrationPolicy").get("maxDowntimeMs").asInt()).isEqualTo(80);
        assertThat(good.body().get("maxOutgoingMigrations").asInt()).isEqualTo(3);
        assertThat(good.body().get("schedulingPolicy").asText()).isEqualTo("none");
        assertThat(api.put("/api/clusters/" + lab.clusterId(), Map.of("migrationPolicy", Map.of("maxDowntimeMs", 100),
                "maxOutgoingMigrations", 2)).status()).isEqualTo(200);
    }
}
