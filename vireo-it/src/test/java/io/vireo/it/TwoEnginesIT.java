package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A second engine instance on the lab engine's database answers every API call, though it does not
 * lead: what needs an agent goes through a job, or the leader makes the call for it (console log,
 * console password, migration abort), and its console proxy reaches the display itself.
 */
class TwoEnginesIT extends LabTest {
    private Path secondData;
    private VireoProcess second;
    private Api follower;
    private String vmId;

    @BeforeEach
    void startASecondEngine() throws Exception {
        secondData = lab.lab().baseDir().resolve("engine-2");
        new ProcessBuilder("rm", "-rf", secondData.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        // instances of one installation share its CA: hosts' libvirt and QEMU trust that CA only (the display
        // proxy's client certificate and the hosts' certificates come from it)
        Path pki = java.nio.file.Files.createDirectories(secondData.resolve("pki"));
        for (String file : List.of("ca.key", "ca.crt", "ca-previous.crt", "ca-cross.crt")) {
            Path source = lab.caFile().resolveSibling(file);
            if (java.nio.file.Files.exists(source)) {
                java.nio.file.Files.copy(source, pki.resolve(file));
            }
        }
        java.nio.file.Files.setPosixFilePermissions(pki.resolve("ca.key"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        int apiPort = freePort();
        second = VireoProcess.start("engine-2", List.of(), List.of("engine", "--data-dir", secondData.toString(),
                        "--database-url", lab.engineDatabaseUrl(), "--database-user", "vireo",
                        "--database-password-file", lab.engineDatabasePasswordFile().toString(),
                        "--listen", "0.0.0.0", "--api-port", String.valueOf(apiPort), "--agent-port", String.valueOf(freePort()),
                        "--advertise", lab.lab().rootAddress()),
                lab.lab().baseDir().resolve("logs/engine-2.log"), Map.of());
        Path secondCa = secondData.resolve("pki/ca.crt");
        Api[] anonymous = new Api[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!second.isAlive()) {
                throw new IllegalStateException("the second engine exited:\n" + second.logText());
            }
            try {
                if (anonymous[0] == null) {
                    // the second engine has a data directory of its own, with the installation's CA
                    anonymous[0] = new Api("https://127.0.0.1:" + apiPort, LabEnvironment.readCertificate(secondCa));
                }
                return anonymous[0].get("/api").status() == 401;
            } catch (IllegalStateException | java.io.IOException e) {
                return false;
            }
        });
        follower = new Api("https://127.0.0.1:" + apiPort, LabEnvironment.readCertificate(secondCa))
                .login("admin", LabEnvironment.ADMIN_PASSWORD);
    }

    @AfterEach
    void stopTheSecondEngine() throws Exception {
        try {
            if (vmId != null) {
                Api.Response stop = api.post("/api/vms/" + vmId + "/stop", null);
                if (stop.status() == 202) {
                    scenario.awaitJob(stop.body());
                }
                api.delete("/api/vms/" + vmId);
            }
        } finally {
            if (second != null) {
                second.close();
            }
            new ProcessBuilder("rm", "-rf", secondData.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void theEngineThatDoesNotLeadServesConsolesAndCancelsAMigration() throws Exception {
        assertThat(leading(api)).as("the lab's engine leads").isTrue();
        assertThat(leading(follower)).as("the second engine does not lead").isFalse();

        vmId = scenario.createGuest("two-engines", List.of());
        // the start is a job: written by the second engine, run by the leader
        Api.Response start = follower.post("/api/vms/" + vmId + "/start", Map.of("hostId", lab.hostId("h1")));
        assertThat(start.status()).as(start.toString()).isEqualTo(202);
        awaitJob(start.body().get("id").asText(), "DONE");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> consoleLog().body().path("text").asText().contains(lab.guest().bootMarker()));
        Api.Response log = consoleLog();
        assertThat(log.status()).as(log.toString()).isEqualTo(200);
        assertThat(log.body().get("nextOffset").asLong()).isPositive();

        // the ticket's password is set by the agent through the leader; the display is reached from here
        Api.Response ticket = follower.post("/api/vms/" + vmId + "/ticket", null);
        assertThat(ticket.status()).as(ticket.toString()).isEqualTo(200);
        try (RfbClient client = RfbClient.connect(follower, proxy(ticket))) {
            int[] size = client.handshake(ticket.body().get("password").asText());
            assertThat(size[0]).isGreaterThan(0);
            assertThat(size[1]).isGreaterThan(0);
        }
        // the display does ask for that password: another one does not open it
        Api.Response another = follower.post("/api/vms/" + vmId + "/ticket", null);
        try (RfbClient client = RfbClient.connect(follower, proxy(another))) {
            assertThat(client.handshake("not-it")).containsExactly(-1, -1);
        }

        // a slow migration, started and then cancelled through the second engine
        assertThat(follower.put("/api/vms/" + vmId, Map.of("migrationPolicy", Map.of("bandwidthMiBps", 1))).status())
                .isEqualTo(200);
        Api.Response migrate = follower.post("/api/vms/" + vmId + "/migrate", Map.of("hostId", lab.hostId("h2")));
        assertThat(migrate.status()).as(migrate.toString()).isEqualTo(202);
        String jobId = migrate.body().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                follower.get("/api/vms/" + vmId).body().get("status").asText().equals("MIGRATING_FROM")
                        && follower.get("/api/jobs/" + jobId).body().get("steps").get(1).get("status").asText().equals("RUNNING"));
        Api.Response cancelled = follower.post("/api/vms/" + vmId + "/cancelmigration", null);
        // 200 only when the source agent answered that it aborted a migration in flight
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.body().get("cancelled").asBoolean()).isTrue();
        JsonNode job = awaitJob(jobId, "FAILED");
        assertThat(job.get("errorCode").asText()).isEqualTo("MIGRATION_CANCELLED");
        await().atMost(Duration.ofSeconds(10)).until(() -> follower.get("/api/vms/" + vmId).body().get("status").asText().equals("UP"));
        assertThat(follower.get("/api/vms/" + vmId).body().get("hostId").asText()).isEqualTo(lab.hostId("h1"));
        assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);

        // the second engine never led, and it had the leader make each of those calls
        assertThat(leading(follower)).isFalse();
        assertThat(leading(api)).isTrue();
        assertThat(metric(follower, "vireo_agent_calls_relayed_total{outcome=\"answered\"}")).isGreaterThanOrEqualTo(4);
        assertThat(metric(follower, "vireo_agent_calls_relayed_total{outcome=\"unanswered\"}")).isZero();
    }

    private Api.Response consoleLog() {
        return follower.get("/api/vms/" + vmId + "/consolelog?offset=0");
    }

    private JsonNode awaitJob(String jobId, String status) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() ->
                List.of("DONE", "FAILED").contains(follower.get("/api/jobs/" + jobId).body().path("status").asText()));
        JsonNode job = follower.get("/api/jobs/" + jobId).body();
        assertThat(job.get("status").asText()).as(job.toPrettyString()).isEqualTo(status);
        return job;
    }

    private URI proxy(Api.Response ticket) {
        return follower.webSocket(ticket.body().get("proxyPath").asText());
    }

    private boolean leading(Api engine) {
        return metric(engine, "vireo_engine_leader") == 1;
    }

    /** A value from the engine's Prometheus page (a counter or gauge line, labels included in the name). */
    private double metric(Api engine, String name) {
        String page = engine.metrics(engine == follower ? secondData.resolve("metrics-token") : lab.engineMetricsTokenFile());
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(page);
        assertThat(line.find()).as(name + " on " + engine.baseUrl() + ":\n" + page).isTrue();
        return Double.parseDouble(line.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
