package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.testkit.LabHost;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A VM's life on real lab hosts, through the public API only. */
class VmLifecycleIT extends LabTest {

    @Test
    void bothHostsEnrolledAndUpWithTcgGuests() {
        JsonNode hosts = api.get("/api/hosts?search=status=up").body();
        assertThat(hosts).hasSize(2);
        for (JsonNode host : hosts) {
            assertThat(host.get("domainType").asText()).isIn("qemu", "kvm");
            assertThat(host.get("cpuCount").asInt()).isPositive();
            assertThat(host.get("memoryTotalKib").asLong()).isPositive();
        }
    }

    @Test
    void createStartReadConsolePauseResumeShutdownAndDelete() {
        String diskId = scenario.createDisk("life-disk", 64);
        assertThat(api.get("/api/disks/" + diskId).body().get("status").asText()).isEqualTo("OK");
        String vmId = scenario.createGuest("life", List.of(diskId));
        assertThat(scenario.vm(vmId).get("status").asText()).isEqualTo("DOWN");

        JsonNode job = scenario.action(vmId, "start", null);
        assertThat(job.get("steps")).extracting(step -> step.get("name").asText()).containsExactly("SCHEDULE", "LAUNCH", "WAIT_UP");
        JsonNode vm = scenario.vm(vmId);
        assertThat(vm.get("status").asText()).isEqualTo("UP");
        assertThat(vm.get("hostId").asText()).isIn(lab.hostId("h1"), lab.hostId("h2"));
        assertThat(vm.get("vncPort").asInt()).isGreaterThanOrEqualTo(5900);
        scenario.awaitBooted(vmId);
        assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.vm(vmId).path("cpuTimeNanos").asLong() > 0);

        scenario.action(vmId, "suspend", null);
        assertThat(scenario.vm(vmId).get("status").asText()).isEqualTo("PAUSED");
        scenario.action(vmId, "resume", null);
        assertThat(scenario.vm(vmId).get("status").asText()).isEqualTo("UP");

        // the tiny guest has no ACPI daemon: the shutdown falls back to power off after its timeout
        JsonNode shutdown = scenario.action(vmId, "shutdown", Map.of("timeoutSeconds", 3));
        assertThat(shutdown.get("steps").get(1).get("message").asText()).contains("did not shut down within 3 s");
        assertThat(scenario.vm(vmId).get("status").asText()).isEqualTo("DOWN");
        assertThat(scenario.runningDomainsEverywhere()).doesNotContain(vmId);

        Api.Response removed = api.delete("/api/vms/" + vmId + "?removeDisks=true");
        assertThat(removed.status()).isEqualTo(202);
        scenario.awaitJob(removed.body().get("jobs").get(0));
        assertThat(api.get("/api/vms/" + vmId).status()).isEqualTo(404);
        assertThat(api.get("/api/disks/" + diskId).status()).isEqualTo(404);
        assertThat(api.get("/api/events?from=0&max=10000").body()).extracting(event -> event.get("code").asText())
                .contains("VM_CREATED", "VM_STARTED", "VM_SUSPEND_DONE", "VM_RESUME_DONE", "VM_SHUT_DOWN", "VM_REMOVED", "DISK_REMOVED");
    }

    @Test
    void metricsCountHostsAndVmsAndTimeTheApi() throws Exception {
        assertThat(api.get("/api/hosts").status()).isEqualTo(200);
        var http = api.http();
        var anonymous = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.baseUrl() + "/metrics")).build();
        assertThat(http.send(anonymous, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        var withAUsersToken = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.baseUrl() + "/metrics"))
                .header("Authorization", "Bearer " + api.token()).build();
        assertThat(http.send(withAUsersToken, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                api.metrics(lab.engineMetricsTokenFile())).containsPattern("vireo_hosts\\{status=\"up\"} [1-9]")
                .contains("vireo_vms{status=\"down\"}")
                .containsPattern("vireo_api_request_seconds_count\\{method=\"GET\",route=\"/api/hosts\",status=\"200\"} [1-9]"));
    }

    @Test
    void aVmDestroyedBehindVireosBackIsDownWithinFiveSeconds() {
        String vmId = scenario.createGuest("destroyed", List.of());
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h2")));
        LabHost h2 = lab.lab().host("h2");
        h2.virsh("destroy", vmId);
        scenario.awaitStatus(vmId, "DOWN", Duration.ofSeconds(5));
        assertThat(scenario.vm(vmId).get("desiredState").asText()).isEqualTo("DOWN");
        assertThat(api.get("/api/events?from=0&max=10000").body()).anyMatch(event ->
                event.get("code").asText().equals("VM_DOWN_UNEXPECTEDLY") && vmId.equals(event.path("vmId").asText()));
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void aForcedRebootKeepsTheVmUpAndBootsAgain() {
        String vmId = scenario.createGuest("rebooted", List.of());
        scenario.action(vmId, "start", null);
        scenario.awaitBooted(vmId);
        // the busybox guest ignores ACPI, so the reboot is forced (a reset)
        scenario.action(vmId, "reboot", Map.of("force", true));
        assertThat(scenario.vm(vmId).get("status").asText()).isEqualTo("UP");
        await().atMost(Duration.ofMinutes(2)).until(() ->
                scenario.consoleLog(vmId).split(lab.guest().bootMarker(), -1).length - 1 >= 2);
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }
}
