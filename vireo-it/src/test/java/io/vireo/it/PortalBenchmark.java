package io.vireo.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Portal figures in Debian's Chromium against the lab (printed, never asserted against a time):
 * login to the first console frame, and the desktop list with 1,000 desktops. Not part of the
 * default run (the name does not end in IT); run it with
 * {@code mvn -o -B -pl vireo-it -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=PortalBenchmark -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class PortalBenchmark extends LabTest {
    private static final int DESKTOPS = 1000;
    private static final int RUNS = 5;

    @Test
    void loginToFirstConsoleFrame() throws Exception {
        PortalPools pools = new PortalPools(lab, scenario);
        int runs = 3;
        String template = pools.createVgaGuest("bench-template");
        // a prestarted desktop for every run (and the warm-up), all booted before the clock starts
        String poolId = pools.createPrestartedPool("bench", template, runs + 1);
        String userId = pools.createPoolUser("bench-user", poolId);
        List<long[]> figures = new ArrayList<>();
        try {
            pools.awaitReady(poolId, runs + 1);
            for (int run = 0; run <= runs; run++) {
                try (Browser browser = Browser.start(lab.caFile())) {
                    browser.open(api.baseUrl() + "/portal/");
                    browser.awaitVisible("form#login", Duration.ofSeconds(30));
                    browser.find("#username").sendKeys("bench-user");
                    browser.find("#password").sendKeys(PortalPools.USER_PASSWORD);
                    long start = System.nanoTime();
                    browser.find("form#login button[type=submit]").click();
                    browser.awaitVisible("#pools tr[data-id='" + poolId + "'] button[data-action=take]", Duration.ofSeconds(60))
                            .click();
                    long taken = System.nanoTime();
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                            .until(() -> "connected".equals(browser.script("return window.vireoConsole.state")));
                    long connected = System.nanoTime();
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                            .until(() -> browser.canvas(DesktopPortalIT.CANVAS), pixels -> pixels != null && !pixels.blank());
                    long frame = System.nanoTime();
                    if (run > 0) { // the first run warms the engine and the browser's caches up
                        figures.add(new long[] {millis(start, frame), millis(start, taken), millis(taken, connected),
                                millis(connected, frame)});
                    }
                }
            }
        } finally {
            pools.remove(poolId, template);
            api.delete("/api/users/" + userId);
        }
        System.out.println();
        System.out.println("BENCHMARK portal login of a VmPoolUser -> first console frame, a prestarted desktop free (" + runs
                + " runs after a warm-up)");
        print("login submit -> console canvas not blank", figures, 0);
        print("  login submit -> pools listed, Take clicked", figures, 1);
        print("  Take clicked -> desktop given, noVNC connected", figures, 2);
        print("  connected -> first non-blank frame", figures, 3);
    }

    @Test
    void desktopListWithAThousandDesktops() throws Exception {
        List<String> made = createDesktopRecords();
        try (Browser browser = Browser.start(lab.caFile())) {
            browser.open(api.baseUrl() + "/portal/");
            browser.script("sessionStorage.setItem('vireo.token', arguments[0]); sessionStorage.setItem('vireo.user', 'admin');",
                    api.token());
            List<long[]> runs = new ArrayList<>();
            for (int run = 0; run <= RUNS; run++) {
                browser.open(api.baseUrl() + "/portal/");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> performanceMark(browser, "vireo.desktops.painted") > 0);
                assertThat(((Number) browser.script("return window.vireoPortal.rows")).intValue()).isEqualTo(DESKTOPS);
                long listCall = Math.round(((Number) browser.script("""
                        const call = performance.getEntriesByType('resource').find(e => e.name.includes('/api/vms?'));
                        return call ? call.duration : -1;""")).doubleValue());
                if (run > 0) {
                    runs.add(new long[] {performanceMark(browser, "vireo.desktops.painted"),
                            performanceMark(browser, "vireo.desktops.rendered"), listCall});
                }
            }
            System.out.println();
            System.out.println("BENCHMARK desktop portal with " + DESKTOPS + " desktops in the list (" + RUNS
                    + " loads after a warm-up, from navigation start)");
            print("navigation start -> list drawn and painted", runs, 0);
            print("navigation start -> rows in the DOM", runs, 1);
            print("  of which GET /api/vms?max=1000 took", runs, 2);
        } finally {
            removeAll(made);
        }
    }

    /** 1,000 VM records that are never started (the lab cannot run that many guests). */
    private List<String> createDesktopRecords() throws Exception {
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 1; i <= DESKTOPS; i++) {
                String name = String.format("bench-desk-%04d", i);
                calls.add(pool.submit(() -> {
                    Api.Response response = api.post("/api/vms", Map.of("name", name, "clusterId", lab.clusterId(),
                            "vcpus", 1, "memoryMib", 128, "kernelFileId", lab.kernelFileId(),
                            "initrdFileId", lab.initrdFileId(), "cmdline", lab.guest().kernelCmdline()));
                    assertThat(response.status()).as(response.toString()).isEqualTo(201);
                    ids.add(response.body().get("id").asText());
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        }
        return ids;
    }

    private void removeAll(List<String> ids) throws Exception {
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (String id : ids) {
                pool.submit(() -> api.delete("/api/vms/" + id));
            }
        }
    }

    private static long performanceMark(Browser browser, String name) {
        Object time = browser.script("const m = performance.getEntriesByName(arguments[0]); return m.length ? m[0].startTime : 0;",
                name);
        return Math.round(((Number) time).doubleValue());
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    private static void print(String what, List<long[]> runs, int column) {
        long[] values = runs.stream().mapToLong(run -> run[column]).sorted().toArray();
        System.out.printf("  %-52s median %5d ms   min %5d ms   max %5d ms%n", what, values[values.length / 2], values[0],
                values[values.length - 1]);
    }
}
