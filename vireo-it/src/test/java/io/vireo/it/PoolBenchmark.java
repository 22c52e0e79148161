package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pool figures on the lab (printed, never asserted against a time): how long the pool monitor
 * takes to make N thin desktops over a template with a disk (rows, jobs, qemu-img overlays on a
 * host), how fast the pool list answers then, and how long removing them takes. Not part of the
 * default run; run it with {@code mvn -o -B -pl vireo-it -am verify -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=PoolBenchmark -Dfailsafe.failIfNoSpecifiedTests=false
 * [-Dvireo.bench.desktops=200]}.
 */
class PoolBenchmark extends LabTest {
    private static final int DESKTOPS = Integer.getInteger("vireo.bench.desktops", 200);

    @Test
    void makeListAndRemoveAPool() {
        String disk = scenario.createDisk("bench-pool-base", 16);
        String template = scenario.createGuest("bench-pool-template", List.of(disk));
        Map<String, Object> body = new HashMap<>();
        body.put("name", "benchpool");
        body.put("templateVmId", template);
        body.put("type", "AUTOMATIC");
        body.put("size", DESKTOPS);
        long start = System.nanoTime();
        Api.Response created = api.post("/api/vmpools", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String poolId = created.body().get("id").asText();
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode pool = api.get("/api/vmpools/" + poolId).body();
            return pool.get("desktops").asInt() == DESKTOPS && pool.get("free").asInt() == DESKTOPS;
        });
        long made = System.nanoTime() - start;

        long[] listTimes = new long[20];
        for (int i = 0; i < listTimes.length; i++) {
            long t = System.nanoTime();
            assertThat(api.get("/api/vmpools").status()).isEqualTo(200);
            listTimes[i] = System.nanoTime() - t;
        }
        java.util.Arrays.sort(listTimes);
        long[] vmListTimes = new long[10];
        for (int i = 0; i < vmListTimes.length; i++) {
            long t = System.nanoTime();
            assertThat(api.get("/api/vms?max=1000&search=name=benchpool-*").body()).hasSize(DESKTOPS);
            vmListTimes[i] = System.nanoTime() - t;
        }
        java.util.Arrays.sort(vmListTimes);

        start = System.nanoTime();
        assertThat(api.delete("/api/vmpools/" + poolId).status()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.get("/api/vmpools/" + poolId).status() == 404);
        long removed = System.nanoTime() - start;
        // the overlays' files go in DELETE_DISK jobs after the rows; wait for them before the template's disk goes
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                api.get("/api/disks").body().findValuesAsText("name").stream().noneMatch(n -> n.startsWith("benchpool-")));
        long filesGone = System.nanoTime() - start;
        assertThat(api.delete("/api/vms/" + template + "?removeDisks=true").status()).isIn(200, 202);

        System.out.printf("BENCHMARK pool of %d thin desktops (one 16 MiB qcow2 overlay each) on the lab%n", DESKTOPS);
        System.out.printf("  POST /api/vmpools -> all made and free        %7d ms  (%.1f desktops/s)%n", made / 1_000_000,
                DESKTOPS / (made / 1e9));
        System.out.printf("  GET /api/vmpools with them                    median %5.1f ms  max %5.1f ms%n",
                listTimes[listTimes.length / 2] / 1e6, listTimes[listTimes.length - 1] / 1e6);
        System.out.printf("  GET /api/vms?max=1000 of the pool             median %5.1f ms  max %5.1f ms%n",
                vmListTimes[vmListTimes.length / 2] / 1e6, vmListTimes[vmListTimes.length - 1] / 1e6);
        System.out.printf("  DELETE /api/vmpools -> pool gone              %7d ms; overlay files gone %d ms%n",
                removed / 1_000_000, filesGone / 1_000_000);
    }
}
