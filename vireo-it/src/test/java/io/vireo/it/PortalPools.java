package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Desktop pools for the portal tests: a template whose screen shows the guest's console, its pool, its removal. */
final class PortalPools {
    /** The guest's kernel console and /init's lines on the VGA text screen the VNC display shows. */
    static final String VGA_CONSOLE_CMDLINE = "console=tty0 panic=-1 quiet";
    static final String USER_PASSWORD = "desk-user-password-1";
    private static final Duration LIMIT = Duration.ofMinutes(4);

    private final LabEnvironment lab;
    private final Api api;
    private final Scenario scenario;

    PortalPools(LabEnvironment lab, Scenario scenario) {
        this.lab = lab;
        this.api = lab.api();
        this.scenario = scenario;
    }

    /** A Down lab guest whose console is the VGA screen (the serial log still gets /init's lines). */
    String createVgaGuest(String name) {
        Api.Response response = api.post("/api/vms", Map.of("name", name, "clusterId", lab.clusterId(), "vcpus", 1,
                "memoryMib", 128, "diskIds", List.of(), "kernelFileId", lab.kernelFileId(),
                "initrdFileId", lab.initrdFileId(), "cmdline", VGA_CONSOLE_CMDLINE, "graphics", "vnc"));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.body().get("id").asText();
    }

    /** An automatic pool of that template with every desktop prestarted (see {@link #awaitReady}). */
    String createPrestartedPool(String name, String templateVmId, int size) {
        Api.Response created = api.post("/api/vmpools", Map.of("name", name, "description", "portal test desktops",
                "templateVmId", templateVmId, "type", "AUTOMATIC", "size", size, "prestarted", size,
                "maxDesktopsPerUser", size));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.body().get("id").asText();
    }

    /** Waits until every desktop of the pool runs, has booted and is free. */
    void awaitReady(String poolId, int size) {
        await().atMost(LIMIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<JsonNode> desktops = desktops(poolId);
            assertThat(desktops).hasSize(size);
            assertThat(desktops).allMatch(vm -> vm.get("status").asText().equals("UP"));
        });
        for (JsonNode desktop : desktops(poolId)) {
            scenario.awaitBooted(desktop.get("id").asText());
        }
        await().atMost(LIMIT).untilAsserted(() -> assertThat(api.get("/api/vmpools/" + poolId).body().get("free").asInt())
                .isEqualTo(size));
    }

    /** A plain user whose only permission is VmPoolUser on the pool; answers its id. */
    String createPoolUser(String name, String poolId) {
        Api.Response user = api.post("/api/users", Map.of("name", name, "password", USER_PASSWORD, "displayName", "Desk User"));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        String userId = user.body().get("id").asText();
        Api.Response grant = api.post("/api/permissions", Map.of("principalType", "USER", "principalId", userId,
                "role", "VmPoolUser", "objectType", "VM_POOL", "objectId", poolId));
        assertThat(grant.status()).as(grant.toString()).isEqualTo(201);
        return userId;
    }

    List<JsonNode> desktops(String poolId) {
        List<JsonNode> result = new ArrayList<>();
        api.get("/api/vms?max=10000").body().forEach(vm -> {
            if (poolId.equals(vm.path("poolId").asText())) {
                result.add(vm);
            }
        });
        return result;
    }

    /** Stops the pool's desktops, removes the pool (it removes its desktops) and then the template. */
    void remove(String poolId, String templateVmId) {
        assertThat(api.put("/api/vmpools/" + poolId, Map.of("prestarted", 0)).status()).isEqualTo(200);
        for (JsonNode desktop : desktops(poolId)) {
            if (!desktop.get("status").asText().equals("DOWN")) {
                Api.Response[] stop = new Api.Response[1];
                await().atMost(LIMIT).pollInterval(Duration.ofMillis(300)).until(() -> {
                    stop[0] = api.post("/api/vms/" + desktop.get("id").asText() + "/stop", null);
                    return !"VM_BUSY".equals(stop[0].error());
                });
                if (stop[0].status() == 202) {
                    scenario.awaitJob(stop[0].body());
                }
            }
        }
        Api.Response removal = api.delete("/api/vmpools/" + poolId);
        assertThat(removal.status()).as(removal.toString()).isEqualTo(202);
        await().atMost(LIMIT).untilAsserted(() -> assertThat(api.get("/api/vmpools/" + poolId).status()).isEqualTo(404));
        assertThat(api.delete("/api/vms/" + templateVmId).status()).isEqualTo(200);
    }
}
