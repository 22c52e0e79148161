package io.vireo.it;

import io.vireo.testkit.LabHost;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A silent agent makes its host Connecting, then NonResponsive and its VMs Unknown; its return heals both.
 * A killed libvirtd makes its host NonOperational (its VMs Unknown, nothing starts there) until it is back.
 */
class HostLivenessIT extends LabTest {

    private String hostStatus(String name) {
        return api.get("/api/hosts/" + lab.hostId(name)).body().get("status").asText();
    }

    @Test
    void silenceThenReturn() throws Exception {
        String vmId = scenario.createGuest("watched", List.of());
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h1")));
        LabHost h1 = lab.lab().host("h1");

        lab.killAgent(h1);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> hostStatus("h1").equals("CONNECTING"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> hostStatus("h1").equals("NON_RESPONSIVE"));
        scenario.awaitStatus(vmId, "UNKNOWN", Duration.ofSeconds(5));
        assertThat(hostStatus("h2")).isEqualTo("UP");
        // the guest itself never stopped: the host is the truth, not the engine's guess
        assertThat(h1.virsh("list", "--uuid")).contains(vmId);

        lab.startAgent(h1);
        await().atMost(Duration.ofSeconds(60)).until(() -> hostStatus("h1").equals("UP"));
        scenario.awaitStatus(vmId, "UP", Duration.ofSeconds(30));
        assertThat(api.get("/api/events?from=0&max=10000").body()).extracting(event -> event.get("code").asText())
                .contains("HOST_CONNECTING", "HOST_NON_RESPONSIVE", "VM_UNKNOWN", "VM_ADOPTED");

        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void libvirtdKilledThenBack() {
        String vmId = scenario.createGuest("orphaned", List.of());
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.awaitBooted(vmId);
        LabHost h1 = lab.lab().host("h1");
        try {
            h1.killLibvirtd();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> hostStatus("h1").equals("NON_OPERATIONAL"));
            assertThat(api.get("/api/hosts/" + lab.hostId("h1")).body().get("statusDetail").asText()).contains("libvirt");
            scenario.awaitStatus(vmId, "UNKNOWN", Duration.ofSeconds(5));
            String other = scenario.createGuest("elsewhere", List.of());
            Api.Response refused = api.post("/api/vms/" + other + "/start", Map.of("hostId", lab.hostId("h1")));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(202);
            String jobId = refused.body().get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/jobs/" + jobId).body().get("status").asText().equals("FAILED"));
            assertThat(api.get("/api/jobs/" + jobId).body().get("errorMessage").asText()).contains("non-operational").contains("libvirt");
            assertThat(scenario.vm(other).get("status").asText()).isEqualTo("DOWN");
            assertThat(api.delete("/api/vms/" + other).status()).isEqualTo(200);
        } finally {
            h1.restartLibvirtd();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> hostStatus("h1").equals("UP"));
        scenario.awaitStatus(vmId, "UP", Duration.ofSeconds(30));
        assertThat(api.get("/api/hosts/" + lab.hostId("h1")).body().get("statusDetail").isNull()).isTrue();
        // the guest ran on through it all: never Down, never started again
        assertThat(api.get("/api/events?from=0&max=10000").body())
                .filteredOn(event -> vmId.equals(event.path("vmId").asText()))
                .extracting(event -> event.get("code").asText())
                .containsOnlyOnce("VM_START_REQUESTED").contains("VM_UNKNOWN").doesNotContain("VM_DOWN", "VM_DOWN_UNEXPECTEDLY");
        assertThat(api.get("/api/events?from=0&max=10000").body()).extracting(event -> event.get("code").asText())
                .contains("HOST_NON_OPERATIONAL");
        assertThat(h1.virsh("list", "--uuid")).contains(vmId);

        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }
}
