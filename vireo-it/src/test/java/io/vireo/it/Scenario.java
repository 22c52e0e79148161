package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Steps the end-to-end tests share: make a disk and a tiny guest, run jobs, wait for states. */
final class Scenario {
    private final LabEnvironment lab;
    private final Api api;

    Scenario(LabEnvironment lab) {
        this.lab = lab;
        this.api = lab.api();
    }

    String createDisk(String name, long mib) {
        Api.Response response = api.post("/api/disks", Map.of("name", name, "storageDomainId", lab.storageDomainId(),
                "sizeBytes", mib * 1024 * 1024, "format", "qcow2"));
        assertThat(response.status()).as(response.toString()).isEqualTo(202);
        awaitJob(response.body().get("job"));
        return response.body().get("disk").get("id").asText();
    }

    /** A tiny guest booting the lab kernel (boot files of the lab's storage domain), with the given disks attached. */
    String createGuest(String name, List<String> diskIds) {
        return createGuest(name, diskIds, "");
    }

    /** The same with extra kernel arguments for the guest's /init (e.g. labdirty=8). */
    String createGuest(String name, List<String> diskIds, String extraCmdline) {
        return createGuest(name, diskIds, extraCmdline, "vnc");
    }

    /** The same with a display of the given kind: vnc, spice or none. */
    String createGuest(String name, List<String> diskIds, String extraCmdline, String graphics) {
        Map<String, Object> body = new HashMap<>();
        body.put("graphics", graphics);
        body.put("name", name);
        body.put("clusterId", lab.clusterId());
        body.put("vcpus", 1);
        body.put("memoryMib", 128);
        body.put("diskIds", diskIds);
        body.put("kernelFileId", lab.kernelFileId());
        body.put("initrdFileId", lab.initrdFileId());
        body.put("cmdline", (lab.guest().kernelCmdline() + " " + extraCmdline).strip());
        Api.Response response = api.post("/api/vms", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.body().get("id").asText();
    }

    JsonNode action(String vmId, String action, Object body) {
        Api.Response response = api.post("/api/vms/" + vmId + "/" + action, body);
        assertThat(response.status()).as(action + ": " + response).isEqualTo(202);
        return awaitJob(response.body());
    }

    JsonNode awaitJob(JsonNode job) {
        String id = job.get("id").asText();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> List.of("DONE", "FAILED").contains(api.get("/api/jobs/" + id).body().path("status").asText()));
        JsonNode ended = api.get("/api/jobs/" + id).body();
        assertThat(ended.get("status").asText()).as(ended.toPrettyString()).isEqualTo("DONE");
        return ended;
    }

    String hostOf(String vmId) {
        return vm(vmId).get("hostId").asText();
    }

    JsonNode vm(String vmId) {
        return api.get("/api/vms/" + vmId).body();
    }

    void awaitStatus(String vmId, String status, Duration limit) {
        await().atMost(limit).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(vm(vmId).path("status").asText()).isEqualTo(status));
    }

    String consoleLog(String vmId) {
        Api.Response response = api.get("/api/vms/" + vmId + "/consolelog?offset=0");
        return response.status() == 200 ? response.body().path("text").asText() : "";
    }

    /** Waits for the boot marker and answers the highest TICK counter printed so far. */
    long awaitBooted(String vmId) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> consoleLog(vmId).contains(lab.guest().bootMarker()) && lastTick(consoleLog(vmId)) >= 1);
        return lastTick(consoleLog(vmId));
    }

    static long lastTick(String log) {
        long last = -1;
        for (String line : log.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("TICK ")) {
                try {
                    last = Long.parseLong(trimmed.split("\\s+")[1]);
                } catch (RuntimeException e) {
                    // a line cut in the middle by the read; the next one will do
                }
            }
        }
        return last;
    }

    List<String> runningDomainsEverywhere() {
        return lab.lab().hosts().stream().flatMap(host -> List.of(host.virsh("list", "--uuid").split("\n")).stream()
                .map(String::strip).filter(line -> !line.isEmpty())).toList();
    }
}
