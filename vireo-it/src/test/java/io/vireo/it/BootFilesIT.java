package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.testkit.GuestImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9: a user who may create VMs used to name any host path as the kernel or initrd, and so
 * read any file of the host (the engine's CA key, /etc/shadow) inside a guest. Now a VM boots only
 * boot files, by id: files an administrator put into a storage domain's boot-files directory and
 * had the engine scan; and the agent itself refuses whatever is not a regular file right there.
 */
class BootFilesIT extends LabTest {
    private static final String PASSWORD = "boot-files-password-1";
    private static String suffix;
    private static Api powerUser;

    @BeforeAll
    static void aPowerUserOfTheLabCluster() {
        suffix = UUID.randomUUID().toString().substring(0, 6);
        String userId = created(api.post("/api/users", Map.of("name", "bf-power-" + suffix, "password", PASSWORD))).get("id").asText();
        created(api.post("/api/permissions", Map.of("principalType", "USER", "principalId", userId, "role", "PowerUser",
                "objectType", "CLUSTER", "objectId", lab.clusterId())));
        powerUser = lab.newApi().login("bf-power-" + suffix, PASSWORD);
    }

    private static JsonNode created(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.body();
    }

    private static Map<String, Object> vm(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("clusterId", lab.clusterId());
        body.put("vcpus", 1);
        body.put("memoryMib", 128);
        body.put("cmdline", lab.guest().kernelCmdline());
        return body;
    }

    private static boolean vmExists(String name) {
        return StreamSupport.stream(api.get("/api/vms?max=10000").body().spliterator(), false)
                .anyMatch(vm -> vm.get("name").asText().equals(name));
    }

    private static Path bootFilesDir() {
        return lab.lab().storageDir().resolve("boot-files");
    }

    private static JsonNode scan() {
        Api.Response response = api.post("/api/storagedomains/" + lab.storageDomainId() + "/bootfiles/scan", null);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.body();
    }

    private static JsonNode fileNamed(JsonNode files, String name) {
        return StreamSupport.stream(files.spliterator(), false).filter(f -> f.get("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no boot file " + name + " in " + files));
    }

    @Test
    void aPowerUserCannotBootAHostPathAndNoVmIsMade() {
        String caKey = lab.caFile().resolveSibling("ca.key").toString();
        assertThat(Path.of(caKey)).exists();

        // the old fields: host paths
        Map<String, Object> oldShape = vm("bf-steal-" + suffix);
        oldShape.put("kernel", lab.guest().kernel().toString());
        oldShape.put("initrd", caKey);
        Api.Response refused = powerUser.post("/api/vms", oldShape);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body().path("details").path("field").asText()).as(refused.toString()).isIn("kernel", "initrd");

        // the new fields with a path in them
        Map<String, Object> pathAsId = vm("bf-steal-" + suffix);
        pathAsId.put("kernelFileId", lab.kernelFileId());
        pathAsId.put("initrdFileId", caKey);
        refused = powerUser.post("/api/vms", pathAsId);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.error()).isEqualTo("INVALID_FIELD");
        assertThat(refused.body().path("details").path("field").asText()).isEqualTo("initrdFileId");
        assertThat(refused.message()).contains("never by a host path");

        Map<String, Object> shadow = vm("bf-steal-" + suffix);
        shadow.put("kernelFileId", "/etc/shadow");
        refused = powerUser.post("/api/vms", shadow);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body().path("details").path("field").asText()).isEqualTo("kernelFileId");

        Map<String, Object> unknown = vm("bf-steal-" + suffix);
        unknown.put("kernelFileId", UUID.randomUUID().toString());
        refused = powerUser.post("/api/vms", unknown);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body().path("details").path("field").asText()).isEqualTo("kernelFileId");

        assertThat(vmExists("bf-steal-" + suffix)).isFalse();
    }

    @Test
    void aPowerUserListsTheBootFilesButOnlyAnAdministratorScans() {
        Api.Response list = powerUser.get("/api/bootfiles?search=" + Api.encode("storage=" + lab.storageDomainId()));
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(fileNamed(list.body(), GuestImage.KERNEL_FILE).get("id").asText()).isEqualTo(lab.kernelFileId());
        assertThat(fileNamed(list.body(), GuestImage.INITRD_FILE).get("id").asText()).isEqualTo(lab.initrdFileId());

        // the storage domain is not even visible to a PowerUser of a cluster
        Api.Response scan = powerUser.post("/api/storagedomains/" + lab.storageDomainId() + "/bootfiles/scan", null);
        assertThat(scan.status()).as(scan.toString()).isEqualTo(404);
    }

    @Test
    void aVmBootsABootFileByIdAndTheAgentRefusesOneThatBecameASymlink() throws IOException {
        String name = "bf-kernel-" + suffix;
        Path kernelCopy = bootFilesDir().resolve(name);
        Path link = bootFilesDir().resolve("bf-shadow-" + suffix);
        Path directory = bootFilesDir().resolve("bf-dir-" + suffix);
        String vmId = null;
        try {
            Files.copy(lab.guest().kernel(), kernelCopy);
            Files.createSymbolicLink(link, Path.of("/etc/shadow"));
            Files.createDirectory(directory);
            JsonNode result = scan();
            // only the regular file is a boot file; the link and the directory are skipped
            assertThat(StreamSupport.stream(result.get("files").spliterator(), false).map(f -> f.get("name").asText()))
                    .contains(name).doesNotContain(link.getFileName().toString(), directory.getFileName().toString());
            assertThat(result.get("skipped").asInt()).isGreaterThanOrEqualTo(2);
            String kernelId = fileNamed(result.get("files"), name).get("id").asText();

            // the PowerUser makes a VM of the boot files by id; it boots
            Map<String, Object> body = vm(name);
            body.put("kernelFileId", kernelId);
            body.put("initrdFileId", lab.initrdFileId());
            vmId = created(powerUser.post("/api/vms", body)).get("id").asText();
            assertThat(powerUser.get("/api/vms/" + vmId).body().get("kernelFileId").asText()).isEqualTo(kernelId);
            scenario.action(vmId, "start", null);
            scenario.awaitBooted(vmId);
            scenario.action(vmId, "stop", null);

            // the administrator's file is swapped for a link to /etc/shadow behind the engine's back
            Files.delete(kernelCopy);
            Files.createSymbolicLink(kernelCopy, Path.of("/etc/shadow"));
            Api.Response start = api.post("/api/vms/" + vmId + "/start", null);
            assertThat(start.status()).as(start.toString()).isEqualTo(202);
            String jobId = start.body().get("id").asText();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> List.of("DONE", "FAILED").contains(api.get("/api/jobs/" + jobId).body().path("status").asText()));
            JsonNode job = api.get("/api/jobs/" + jobId).body();
            assertThat(job.get("status").asText()).as(job.toPrettyString()).isEqualTo("FAILED");
            assertThat(job.get("errorMessage").asText()).as(job.toPrettyString()).contains("symbolic link");
            assertThat(scenario.vm(vmId).get("status").asText()).isEqualTo("DOWN");

            // a scan skips the link, and keeps the row the VM boots as missing
            JsonNode rescanned = scan();
            assertThat(fileNamed(rescanned.get("files"), name).get("missing").asBoolean()).isTrue();
            assertThat(rescanned.get("markedMissing").asInt()).isEqualTo(1);
        } finally {
            if (vmId != null) {
                api.delete("/api/vms/" + vmId);
            }
            Files.deleteIfExists(kernelCopy);
            Files.deleteIfExists(link);
            Files.deleteIfExists(directory);
            scan();
        }
    }
}
