package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * What the shared lab holds that tests make: desktop pools, affinity groups, VMs, disks and users,
 * by id. {@link LabTest} takes one before each class and each test and afterwards removes whatever is
 * new, whether the test passed or not, so that a test failing half way leaves no running VM, pool or
 * disk to the tests after it. Removal goes in the order the API allows: pools (their desktops and
 * overlays go with them) before their templates, groups before their VMs, VMs (stopped first)
 * before their disks and the networks their NICs were on (a network goes from its clusters with it).
 */
record LabInventory(Set<String> pools, Set<String> affinityGroups, Set<String> vms, Set<String> disks, Set<String> users,
                    Set<String> networks) {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    static LabInventory take(Api api) {
        return new LabInventory(ids(api, "/api/vmpools", item -> true), ids(api, "/api/affinitygroups", item -> true),
                ids(api, "/api/vms?max=10000", item -> true), ids(api, "/api/disks", item -> true),
                ids(api, "/api/users", item -> true), ids(api, "/api/networks?max=10000", item -> true));
    }

    /**
     * Removes what the lab holds now and did not when this inventory was taken; throws naming what
     * is still there after trying, so that a test which leaves something behind says so.
     */
    void removeWhatIsNew(Api api) {
        List<String> found = newSince(take(api));
        if (found.isEmpty()) {
            return;
        }
        System.out.println("Removing what the lab did not hold before: " + found);
        List<String> problems = new ArrayList<>();
        for (String pool : added(api, "/api/vmpools", pools, item -> true)) {
            removePool(api, pool, problems);
        }
        for (String group : added(api, "/api/affinitygroups", affinityGroups, item -> true)) {
            remove(api, "/api/affinitygroups/" + group, problems);
        }
        // a desktop of a pool that stays (made before the test) is its pool's business, not the test's
        Set<String> keptPools = ids(api, "/api/vmpools", item -> true);
        Predicate<JsonNode> notAKeptDesktop = vm -> !keptPools.contains(vm.path("poolId").asText());
        for (String vm : added(api, "/api/vms?max=10000", vms, notAKeptDesktop)) {
            stop(api, vm, problems);
            remove(api, "/api/vms/" + vm, problems);
        }
        removeDisks(api, problems);
        for (String network : added(api, "/api/networks?max=10000", networks, item -> true)) {
            remove(api, "/api/networks/" + network, problems);
        }
        for (String user : added(api, "/api/users", users, item -> true)) {
            remove(api, "/api/users/" + user, problems);
        }
        LabInventory now = take(api);
        List<String> left = newSince(new LabInventory(now.pools, now.affinityGroups,
                ids(api, "/api/vms?max=10000", notAKeptDesktop), now.disks, now.users, now.networks));
        if (!left.isEmpty()) {
            throw new AssertionError("the lab still holds what the test made: " + left + "; on the way: " + problems);
        }
    }

    private List<String> newSince(LabInventory now) {
        List<String> added = new ArrayList<>();
        added.addAll(difference("pools", now.pools, pools));
        added.addAll(difference("affinity groups", now.affinityGroups, affinityGroups));
        added.addAll(difference("VMs", now.vms, vms));
        added.addAll(difference("disks", now.disks, disks));
        added.addAll(difference("users", now.users, users));
        added.addAll(difference("networks", now.networks, networks));
        return added;
    }

    private static void removePool(Api api, String pool, List<String> problems) {
        // no more prestarted desktops, then the running ones stopped: a pool with running desktops is not removed
        api.put("/api/vmpools/" + pool, Map.of("prestarted", 0));
        for (String desktop : ids(api, "/api/vms?max=10000", vm -> pool.equals(vm.path("poolId").asText()))) {
            stop(api, desktop, problems);
        }
        remove(api, "/api/vmpools/" + pool, problems);
        awaitQuietly(() -> api.get("/api/vmpools/" + pool).status() == 404, "pool " + pool + " to go", problems);
    }

    /** Powers a VM off unless it is Down; a VM busy with a job (starting, migrating) is stopped once the job ends. */
    private static void stop(Api api, String vm, List<String> problems) {
        Api.Response shown = api.get("/api/vms/" + vm);
        if (shown.status() != 200 || shown.body().path("status").asText().equals("DOWN")) {
            return;
        }
        Api.Response[] stop = new Api.Response[1];
        awaitQuietly(() -> {
            stop[0] = api.post("/api/vms/" + vm + "/stop", null);
            return !"VM_BUSY".equals(stop[0].error());
        }, "VM " + vm + " to be idle", problems);
        if (stop[0] != null && stop[0].status() == 202) {
            String job = stop[0].body().path("id").asText();
            awaitQuietly(() -> List.of("DONE", "FAILED").contains(api.get("/api/jobs/" + job).body().path("status").asText()),
                    "the stop of VM " + vm, problems);
        }
        awaitQuietly(() -> api.get("/api/vms/" + vm).body().path("status").asText().equals("DOWN"), "VM " + vm + " to be down",
                problems);
    }

    /** A disk is removed by a job; a pool's overlays are removed by the pool's own jobs, a little after the pool. */
    private void removeDisks(Api api, List<String> problems) {
        Set<String> asked = new HashSet<>();
        awaitQuietly(() -> {
            Set<String> left = added(api, "/api/disks", disks, item -> true);
            for (String disk : left) {
                if (!asked.contains(disk) && api.delete("/api/disks/" + disk).status() == 202) {
                    asked.add(disk);
                }
            }
            return left.isEmpty();
        }, "the disks to go", problems);
    }

    /** DELETE until it is accepted or the thing is gone; a refusal (a job still busy with it) is tried again. */
    private static void remove(Api api, String path, List<String> problems) {
        Api.Response[] last = new Api.Response[1];
        awaitQuietly(() -> {
            last[0] = api.delete(path);
            return last[0].status() / 100 == 2 || last[0].status() == 404;
        }, "DELETE " + path + " to be accepted", problems);
        if (last[0] != null && last[0].status() / 100 != 2 && last[0].status() != 404) {
            problems.add("DELETE " + path + ": " + last[0]);
        }
    }

    private static void awaitQuietly(java.util.concurrent.Callable<Boolean> condition, String what, List<String> problems) {
        try {
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(300)).until(condition);
        } catch (ConditionTimeoutException e) {
            problems.add("waited " + LIMIT + " for " + what);
        }
    }

    private static Set<String> added(Api api, String list, Set<String> before, Predicate<JsonNode> filter) {
        Set<String> now = ids(api, list, filter);
        now.removeAll(before);
        return now;
    }

    private static List<String> difference(String kind, Set<String> now, Set<String> before) {
        Set<String> added = new LinkedHashSet<>(now);
        added.removeAll(before);
        return added.isEmpty() ? List.of() : List.of(kind + " " + added);
    }

    private static Set<String> ids(Api api, String list, Predicate<JsonNode> filter) {
        Api.Response response = api.get(list);
        if (response.status() != 200 || !response.body().isArray()) {
            throw new IllegalStateException("cannot list " + list + ": " + response);
        }
        Set<String> ids = new LinkedHashSet<>();
        response.body().forEach(item -> {
            if (filter.test(item)) {
                ids.add(item.get("id").asText());
            }
        });
        return ids;
    }
}
