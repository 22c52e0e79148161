package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Desktop pools on the lab: thin desktops from a template, handed out, taken back and reset, resized, removed. */
class PoolIT extends LabTest {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    private JsonNode pool(String id) {
        return api.get("/api/vmpools/" + id).body();
    }

    private List<JsonNode> desktops(String poolName) {
        List<JsonNode> result = new ArrayList<>();
        api.get("/api/vms?search=name=" + poolName + "-*&max=100").body().forEach(result::add);
        return result;
    }

    private static JsonNode qemuImgInfo(String path) throws Exception {
        Process process = new ProcessBuilder("qemu-img", "info", "--force-share", "--output=json", path).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor()).isZero();
        return new ObjectMapper().readTree(out);
    }

    private String diskPath(String diskId) {
        return api.get("/api/disks/" + diskId).body().get("path").asText();
    }

    private Map<String, Object> poolBody(String name, String templateId, String type, int size, int prestarted, int perUser) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("templateVmId", templateId);
        body.put("type", type);
        body.put("size", size);
        body.put("prestarted", prestarted);
        body.put("maxDesktopsPerUser", perUser);
        return body;
    }

    private void removePool(String poolId, String poolName) {
        assertThat(api.put("/api/vmpools/" + poolId, Map.of("prestarted", 0)).status()).isEqualTo(200);
        for (JsonNode desktop : desktops(poolName)) {
            if (!desktop.get("status").asText().equals("DOWN")) {
                stopWhenIdle(desktop.get("id").asText());
            }
        }
        Api.Response removal = api.delete("/api/vmpools/" + poolId);
        assertThat(removal.status()).as(removal.toString()).isEqualTo(202);
        await().atMost(LIMIT).untilAsserted(() -> assertThat(api.get("/api/vmpools/" + poolId).status()).isEqualTo(404));
        assertThat(desktops(poolName)).isEmpty();
    }

    /** Powers a desktop off once the job that is starting it (a prestart or an allocation) has ended. */
    private void stopWhenIdle(String vmId) {
        Api.Response[] stop = new Api.Response[1];
        await().atMost(LIMIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            stop[0] = api.post("/api/vms/" + vmId + "/stop", null);
            return !"VM_BUSY".equals(stop[0].error());
        });
        assertThat(stop[0].status()).as(stop[0].toString()).isEqualTo(202);
        scenario.awaitJob(stop[0].body());
    }

    @Test
    void anAutomaticPoolHandsOutThinDesktopsAndTakesThemBackResetToTheTemplate() throws Exception {
        String baseDisk = scenario.createDisk("desk-base", 8);
        String template = scenario.createGuest("template-desk", List.of(baseDisk));

        // bad input leaves nothing behind
        assertThat(api.post("/api/vmpools", poolBody("desk", template, "AUTOMATIC", 2, 3, 1)).error()).isEqualTo("INVALID_FIELD");
        assertThat(api.post("/api/vmpools", poolBody("desk", template, "SOMETIMES", 2, 1, 1)).error()).isEqualTo("INVALID_FIELD");
        assertThat(api.post("/api/vmpools", poolBody("desk", "7d1c1d6e-0000-4000-8000-000000000000", "AUTOMATIC", 2, 1, 1))
                .status()).isEqualTo(404);
        assertThat(api.get("/api/vmpools").body()).isEmpty();

        Api.Response created = api.post("/api/vmpools", poolBody("desk", template, "AUTOMATIC", 2, 1, 1));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String poolId = created.body().get("id").asText();
        assertThat(api.post("/api/vmpools", poolBody("desk", template, "AUTOMATIC", 2, 1, 1)).error()).isEqualTo("DUPLICATE_NAME");

        // the monitor makes both desktops and keeps one of them started
        await().atMost(LIMIT).untilAsserted(() -> {
            JsonNode pool = pool(poolId);
            assertThat(pool.get("desktops").asInt()).isEqualTo(2);
            assertThat(pool.get("free").asInt()).isEqualTo(2);
            assertThat(pool.get("running").asInt()).isEqualTo(1);
        });
        await().atMost(LIMIT).until(() -> desktops("desk").stream().anyMatch(vm -> vm.get("status").asText().equals("UP")));
        String basePath = diskPath(baseDisk);
        for (JsonNode desktop : desktops("desk")) {
            assertThat(desktop.get("poolId").asText()).isEqualTo(poolId);
            assertThat(desktop.get("diskIds")).hasSize(1);
            JsonNode overlay = qemuImgInfo(diskPath(desktop.get("diskIds").get(0).asText()));
            assertThat(overlay.get("format").asText()).isEqualTo("qcow2");
            assertThat(overlay.get("full-backing-filename").asText()).isEqualTo(basePath);
        }

        // the template is the desktops' base: it may neither run nor go
        assertThat(api.post("/api/vms/" + template + "/start", null).error()).isEqualTo("VM_IS_POOL_TEMPLATE");
        assertThat(api.delete("/api/vms/" + template).error()).isEqualTo("VM_IS_POOL_TEMPLATE");

        // the running desktop is given first, at once
        Api.Response first = api.post("/api/vmpools/" + poolId + "/allocatevm", null);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        JsonNode firstVm = first.body().get("vm");
        assertThat(firstVm.get("status").asText()).isEqualTo("UP");
        assertThat(first.body().get("jobId").isNull()).isTrue();
        assertThat(firstVm.get("assignedUserId").isNull()).isFalse();
        Api.Response overLimit = api.post("/api/vmpools/" + poolId + "/allocatevm", null);
        assertThat(overLimit.error()).as(overLimit.toString()).isEqualTo("POOL_USER_LIMIT");
        assertThat(overLimit.message()).contains(firstVm.get("name").asText());

        // the other desktop is started to keep one free desktop ready; a user may now have two, then the pool is empty
        await().atMost(LIMIT).untilAsserted(() -> assertThat(pool(poolId).get("running").asInt()).isEqualTo(2));
        assertThat(api.put("/api/vmpools/" + poolId, Map.of("maxDesktopsPerUser", 3)).status()).isEqualTo(200);
        Api.Response second = api.post("/api/vmpools/" + poolId + "/allocatevm", null);
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(second.body().get("vm").get("id").asText()).isNotEqualTo(firstVm.get("id").asText());
        Api.Response exhausted = api.post("/api/vmpools/" + poolId + "/allocatevm", null);
        assertThat(exhausted.error()).as(exhausted.toString()).isEqualTo("POOL_EXHAUSTED");

        // shut down by its user, the stateless desktop goes back and gets a fresh overlay (a new file over the template)
        String firstId = firstVm.get("id").asText();
        Path overlayPath = Path.of(diskPath(firstVm.get("diskIds").get(0).asText()));
        Object inodeBefore = Files.getAttribute(overlayPath, "unix:ino");
        scenario.awaitBooted(firstId);
        stopWhenIdle(firstId);
        await().atMost(LIMIT).untilAsserted(() -> {
            JsonNode vm = scenario.vm(firstId);
            assertThat(vm.get("assignedUserId").isNull()).isTrue();
            assertThat(Files.getAttribute(overlayPath, "unix:ino")).isNotEqualTo(inodeBefore);
            assertThat(pool(poolId).get("free").asInt()).isEqualTo(1);
        });
        assertThat(qemuImgInfo(overlayPath.toString()).get("full-backing-filename").asText()).isEqualTo(basePath);
        assertThat(api.get("/api/events?from=0&max=10000").body().toString()).contains("DESKTOP_RETURNED").contains("DESKTOP_RESET");

        // a pool with running desktops is not removed; resized down, its free desktop goes
        assertThat(api.delete("/api/vmpools/" + poolId).error()).isEqualTo("POOL_DESKTOPS_RUNNING");
        assertThat(api.put("/api/vmpools/" + poolId, Map.of("size", 5, "prestarted", 6)).error()).isEqualTo("INVALID_FIELD");
        removePool(poolId, "desk");
        await().atMost(LIMIT).until(() -> !Files.exists(overlayPath));
        Api.Response templateRemoval = api.delete("/api/vms/" + template + "?removeDisks=true");
        assertThat(templateRemoval.status()).as(templateRemoval.toString()).isIn(200, 202);
    }

    @Test
    void concurrentRequestsNeverGetTheSameDesktopAndManualDesktopsStayTheirUsers() throws Exception {
        String template = scenario.createGuest("template-rush", List.of());
        Api.Response created = api.post("/api/vmpools", poolBody("rush", template, "MANUAL", 3, 0, 10));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String poolId = created.body().get("id").asText();
        await().atMost(LIMIT).untilAsserted(() -> assertThat(pool(poolId).get("free").asInt()).isEqualTo(3));

        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Callable<Api.Response>> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(() -> api.post("/api/vmpools/" + poolId + "/allocatevm", null));
        }
        Set<String> given = new HashSet<>();
        int refused = 0;
        for (Future<Api.Response> answer : clients.invokeAll(requests)) {
            Api.Response response = answer.get();
            if (response.status() == 200) {
                assertThat(given.add(response.body().get("vm").get("id").asText())).as("desktop given twice").isTrue();
            } else {
                assertThat(response.error()).as(response.toString()).isEqualTo("POOL_EXHAUSTED");
                refused++;
            }
        }
        clients.shutdown();
        assertThat(given).hasSize(3);
        assertThat(refused).isEqualTo(5);

        // a manual pool's desktop stays its user's after a shutdown
        String kept = given.iterator().next();
        stopWhenIdle(kept);
        await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(scenario.vm(kept).get("assignedUserId").isNull()).isFalse());
        removePool(poolId, "rush");
        assertThat(api.delete("/api/vms/" + template).status()).isEqualTo(200);
    }

    @Test
    void aPoolUserSeesOnlyTheDesktopItHoldsAndLosesItWhenItGoesBack() {
        String template = scenario.createGuest("template-mine", List.of());
        Api.Response created = api.post("/api/vmpools", poolBody("mine", template, "AUTOMATIC", 2, 0, 1));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String poolId = created.body().get("id").asText();
        String password = "pool-user-pw-1";
        String userId = api.post("/api/users", Map.of("name", "pooluser", "password", password)).body().get("id").asText();
        String outsiderId = api.post("/api/users", Map.of("name", "outsider", "password", password)).body().get("id").asText();
        Api.Response grant = api.post("/api/permissions", Map.of("principalType", "USER", "principalId", userId,
                "role", "VmPoolUser", "objectType", "VM_POOL", "objectId", poolId));
        assertThat(grant.status()).as(grant.toString()).isEqualTo(201);
        Api user = lab.newApi().login("pooluser", password);
        Api outsider = lab.newApi().login("outsider", password);
        await().atMost(LIMIT).untilAsserted(() -> assertThat(pool(poolId).get("free").asInt()).isEqualTo(2));

        // before: the pool is the user's to use, its desktops are nobody's business
        assertThat(user.get("/api/vms").body()).isEmpty();
        assertThat(user.get("/api/vmpools").body()).hasSize(1);
        assertThat(outsider.get("/api/vmpools").body()).isEmpty();
        assertThat(outsider.post("/api/vmpools/" + poolId + "/allocatevm", null).status()).isEqualTo(404);

        Api.Response taken = user.post("/api/vmpools/" + poolId + "/allocatevm", null);
        assertThat(taken.status()).as(taken.toString()).isEqualTo(200);
        String desktop = taken.body().get("vm").get("id").asText();
        assertThat(taken.body().get("vm").get("assignedUserId").asText()).isEqualTo(userId);
        scenario.awaitJob(api.get("/api/jobs/" + taken.body().get("jobId").asText()).body());

        // while it holds the desktop: it sees that one VM only, opens its console and powers it off
        JsonNode visible = user.get("/api/vms").body();
        assertThat(visible).hasSize(1);
        assertThat(visible.get(0).get("id").asText()).isEqualTo(desktop);
        Api.Response ticket = user.post("/api/vms/" + desktop + "/ticket", null);
        assertThat(ticket.status()).as(ticket.toString()).isEqualTo(200);
        assertThat(outsider.post("/api/vms/" + desktop + "/ticket", null).status()).isEqualTo(404);
        Api.Response stop = user.post("/api/vms/" + desktop + "/stop", null);
        assertThat(stop.status()).as(stop.toString()).isEqualTo(202);
        scenario.awaitJob(stop.body());

        // given back (stateless pool): gone from its view, and free for the next user
        await().atMost(LIMIT).untilAsserted(() -> {
            assertThat(user.get("/api/vms/" + desktop).status()).isEqualTo(404);
            assertThat(user.get("/api/vms").body()).isEmpty();
            assertThat(pool(poolId).get("free").asInt()).isEqualTo(2);
        });
        removePool(poolId, "mine");
        assertThat(api.delete("/api/vms/" + template).status()).isEqualTo(200);
        assertThat(api.delete("/api/users/" + userId).status()).isEqualTo(204);
        assertThat(api.delete("/api/users/" + outsiderId).status()).isEqualTo(204);
    }
}
