package io.vireo.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sweep every end-to-end class relies on after each test: what a test left behind, running or
 * not, in the state a failure would leave it (a running VM with its disk in an affinity group, a
 * pool with a running desktop, a user), is removed, guests and all.
 */
class LabInventoryIT extends LabTest {

    @Test
    void whatATestLeavesBehindIsRemovedRunningOrNot() {
        LabInventory before = LabInventory.take(api);
        List<String> runningBefore = scenario.runningDomainsEverywhere();
        String disk = scenario.createDisk("left-disk", 8);
        String vm = scenario.createGuest("left-running", List.of(disk));
        scenario.action(vm, "start", null);
        Api.Response group = api.post("/api/affinitygroups", Map.of("name", "left-group", "clusterId", lab.clusterId(),
                "kind", "VM_TO_VM", "positive", true, "enforcing", false, "vmIds", List.of(vm), "hostIds", List.of()));
        assertThat(group.status()).as(group.toString()).isEqualTo(201);
        String template = scenario.createGuest("left-template", List.of());
        Api.Response pool = api.post("/api/vmpools", Map.of("name", "left", "templateVmId", template, "type", "AUTOMATIC",
                "size", 1, "prestarted", 1, "maxDesktopsPerUser", 1));
        assertThat(pool.status()).as(pool.toString()).isEqualTo(201);
        String poolId = pool.body().get("id").asText();
        await().atMost(Duration.ofMinutes(3)).until(() -> api.get("/api/vmpools/" + poolId).body().path("running").asInt() == 1);
        Api.Response user = api.post("/api/users", Map.of("name", "left-user", "password", "left-user-password-1"));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        List<String> running = new ArrayList<>(scenario.runningDomainsEverywhere());
        running.removeAll(runningBefore);
        assertThat(running).as("the VM and the pool's desktop").contains(vm).hasSize(2);

        before.removeWhatIsNew(api);

        assertThat(LabInventory.take(api)).isEqualTo(before);
        assertThat(scenario.runningDomainsEverywhere()).doesNotContainAnyElementsOf(running);
        assertThat(api.get("/api/vms/" + vm).status()).isEqualTo(404);
        assertThat(api.get("/api/disks/" + disk).status()).isEqualTo(404);
        assertThat(api.get("/api/vmpools/" + poolId).status()).isEqualTo(404);
    }
}
