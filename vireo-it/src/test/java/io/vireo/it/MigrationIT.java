package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.enrollment.LibvirtPki;
import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.model.Pem;
import io.vireo.testkit.LabHost;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live migration between lab hosts through the API: moves, the scheduler's choice, cancel, evacuation.
 * Hosts reach each other over TLS only (docs/libvirt-tls.md): libvirtd with the certificates the
 * engine's CA signed for the hosts' agents, and the QEMUs' data stream too (which LiveMigrationIT
 * checks in QEMU itself, through QMP, with the same agent code).
 */
class MigrationIT extends LabTest {
    private static final int LIBVIRT_TCP_PORT = 16509;
    private static final int LIBVIRT_TLS_PORT = 16514;

    /** What virsh says when it tries qemu+tcp to the host's address (it must fail). */
    private static String plainTcpConnect(LabHost host) {
        try {
            Process virsh = new ProcessBuilder("virsh", "-c", "qemu+tcp://" + host.address() + "/system", "hostname")
                    .redirectErrorStream(true).start();
            String output = new String(virsh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(virsh.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            return virsh.exitValue() == 0 ? "connected: " + output : output;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String otherHost(String hostId) {
        return hostId.equals(lab.hostId("h1")) ? lab.hostId("h2") : lab.hostId("h1");
    }

    private JsonNode lastEvent(String code, String vmId) {
        JsonNode found = null;
        for (JsonNode event : api.get("/api/events?from=0&max=10000").body()) {
            if (event.get("code").asText().equals(code) && vmId.equals(event.path("vmId").asText())) {
                found = event;
            }
        }
        return found;
    }

    @Test
    void aGuestMigratesBackAndForthAndKeepsRunning() {
        for (LabHost host : lab.lab().hosts()) {
            assertThat(host.accepts(LIBVIRT_TCP_PORT)).as("no plain TCP listener on " + host.name()).isFalse();
            assertThat(host.accepts(LIBVIRT_TLS_PORT)).as("libvirtd of " + host.name() + " listens with TLS").isTrue();
            assertThat(plainTcpConnect(host)).as("a qemu+tcp connection to " + host.name() + " is refused")
                    .contains("Connection refused");
        }
        String vmId = scenario.createGuest("traveller", List.of(scenario.createDisk("traveller-disk", 16)));
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.awaitBooted(vmId);
        for (String target : List.of("h2", "h1")) {
            long tickBefore = Scenario.lastTick(scenario.consoleLog(vmId));
            JsonNode job = scenario.action(vmId, "migrate", Map.of("hostId", lab.hostId(target)));
            assertThat(job.get("steps")).extracting(step -> step.get("name").asText())
                    .containsExactly("CHOOSE_DESTINATION", "MIGRATE", "CONFIRM");
            JsonNode vm = scenario.vm(vmId);
            assertThat(vm.get("status").asText()).isEqualTo("UP");
            assertThat(vm.get("hostId").asText()).isEqualTo(lab.hostId(target));
            assertThat(vm.get("migratingToHostId").isNull()).isTrue();
            assertThat(lab.lab().host(target).virsh("list", "--uuid")).contains(vmId);
            assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);
            await().atMost(Duration.ofSeconds(30)).until(() -> Scenario.lastTick(scenario.consoleLog(vmId)) > tickBefore + 2);
            JsonNode event = lastEvent("VM_MIGRATED", vmId);
            assertThat(event.get("message").asText()).containsPattern("in \\d+ ms, downtime \\d+ ms");
            System.out.println("migration to " + target + ": " + event.get("message").asText());
            // the source's agent dialed the destination over TLS with its own certificate, which the engine does not know of
            String source = target.equals("h2") ? "h1" : "h2";
            assertThat(lab.agentLog(source)).containsPattern("migration of VM " + vmId + " to qemu\\+tls://"
                    + lab.lab().host(target).address().replace(".", "\\.") + "/system\\?pkipath=" + lab.lab().host(source).pkiDir()
                    + ": .*COMPLETED");
        }
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId + "?removeDisks=true").status()).isEqualTo(202);
    }

    @Test
    void aDestinationWhoseCertificateIsNotFromTheEnginesCaIsRefused() throws Exception {
        String vmId = scenario.createGuest("suspicious", List.of());
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h1")));
        LabHost h2 = lab.lab().host("h2");
        LibvirtPki pki = new LibvirtPki(h2.pkiDir(), Optional.empty());
        PrivateKey key = Pem.readPrivateKey(Files.readString(h2.pkiDir().resolve("serverkey.pem")), "serverkey.pem");
        X509Certificate certificate = Pem.readCertificate(Files.readString(h2.pkiDir().resolve("servercert.pem")));
        X509Certificate engineCa = Pem.readCertificate(Files.readString(h2.pkiDir().resolve("cacert.pem")));
        Path strangerDir = Files.createTempDirectory("stranger-ca");
        try {
            // h2 presents a certificate of another CA, for its right address, and libvirtd takes it without a restart
            CertificateAuthority stranger = CertificateAuthority.loadOrCreate(strangerDir);
            KeyPair keys = KeyPairGenerator.getInstance("EC").generateKeyPair();
            String csr = Pem.write(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=h2"), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            pki.write(keys.getPrivate(), stranger.signHost(csr, lab.hostId("h2"), h2.address(), Duration.ofDays(1)),
                    List.of(stranger.certificate()));
            assertThat(pki.reload(h2.libvirtUri())).as("libvirtd of h2 reloads its TLS files").isEmpty();

            Api.Response accepted = api.post("/api/vms/" + vmId + "/migrate", Map.of("hostId", lab.hostId("h2")));
            assertThat(accepted.status()).isEqualTo(202);
            String jobId = accepted.body().get("id").asText();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> List.of("DONE", "FAILED").contains(api.get("/api/jobs/" + jobId).body().path("status").asText()));
            JsonNode job = api.get("/api/jobs/" + jobId).body();
            System.out.println("migration to a host of another CA: " + job.path("errorMessage").asText());
            assertThat(job.get("status").asText()).isEqualTo("FAILED");
            assertThat(job.get("errorMessage").asText()).containsIgnoringCase("certificate");
            scenario.awaitStatus(vmId, "UP", Duration.ofSeconds(10));
            assertThat(scenario.hostOf(vmId)).isEqualTo(lab.hostId("h1"));
            assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);
        } finally {
            pki.write(key, certificate, List.of(engineCa));
            assertThat(pki.reload(h2.libvirtUri())).isEmpty();
            new ProcessBuilder("rm", "-rf", strangerDir.toString()).start().waitFor();
        }
        // with its own certificate back, h2 takes the VM
        scenario.action(vmId, "migrate", Map.of("hostId", lab.hostId("h2")));
        assertThat(scenario.hostOf(vmId)).isEqualTo(lab.hostId("h2"));
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void withoutADestinationTheSchedulerPicksTheOtherHost() {
        String vmId = scenario.createGuest("wanderer", List.of());
        scenario.action(vmId, "start", null);
        String before = scenario.hostOf(vmId);
        scenario.action(vmId, "migrate", null);
        assertThat(scenario.hostOf(vmId)).isEqualTo(otherHost(before));
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void aSlowMigrationCanBeCancelledAndTheVmStaysOnItsSource() {
        String vmId = scenario.createGuest("slowpoke", List.of());
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.awaitBooted(vmId);
        assertThat(api.put("/api/vms/" + vmId, Map.of("migrationPolicy", Map.of("bandwidthMiBps", 1))).status()).isEqualTo(200);
        Api.Response accepted = api.post("/api/vms/" + vmId + "/migrate", Map.of("hostId", lab.hostId("h2")));
        assertThat(accepted.status()).isEqualTo(202);
        String jobId = accepted.body().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> scenario.vm(vmId).get("status").asText().equals("MIGRATING_FROM")
                && api.get("/api/jobs/" + jobId).body().get("steps").get(1).get("status").asText().equals("RUNNING"));
        assertThat(scenario.vm(vmId).get("migratingToHostId").asText()).isEqualTo(lab.hostId("h2"));
        assertThat(api.post("/api/vms/" + vmId + "/start", null).status()).isEqualTo(409);
        // the source host's progress reports show on the job's step
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/jobs/" + jobId).body().get("steps").get(1)
                .path("message").asText().contains("MiB left"));

        Api.Response cancelled = api.post("/api/vms/" + vmId + "/cancelmigration", null);
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/jobs/" + jobId).body().get("status").asText().equals("FAILED"));
        assertThat(api.get("/api/jobs/" + jobId).body().get("errorCode").asText()).isEqualTo("MIGRATION_CANCELLED");
        scenario.awaitStatus(vmId, "UP", Duration.ofSeconds(10));
        assertThat(scenario.hostOf(vmId)).isEqualTo(lab.hostId("h1"));
        assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);
        assertThat(api.post("/api/vms/" + vmId + "/cancelmigration", null).status()).isEqualTo(409);
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void aMigrationThatCannotConvergeRaisesTheDowntimeThenAborts() {
        String vmId = scenario.createGuest("restless", List.of(), "labdirty=8");
        scenario.action(vmId, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.awaitBooted(vmId);
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.consoleLog(vmId).contains("GUEST-DIRTYING"));
        assertThat(api.put("/api/vms/" + vmId, Map.of("migrationPolicy", Map.of("bandwidthMiBps", 1, "stallSeconds", 2,
                "downtimeStepsMs", List.of(150, 300), "postCopy", false))).status()).isEqualTo(200);
        Api.Response accepted = api.post("/api/vms/" + vmId + "/migrate", Map.of("hostId", lab.hostId("h2")));
        assertThat(accepted.status()).isEqualTo(202);
        String jobId = accepted.body().get("id").asText();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> api.get("/api/jobs/" + jobId).body().get("status").asText().equals("FAILED"));
        JsonNode job = api.get("/api/jobs/" + jobId).body();
        System.out.println("non-converging migration: " + job.get("errorMessage").asText());
        assertThat(job.get("errorCode").asText()).isEqualTo("MIGRATION_FAILED");
        assertThat(job.get("errorMessage").asText()).contains("did not converge");
        scenario.awaitStatus(vmId, "UP", Duration.ofSeconds(10));
        assertThat(scenario.hostOf(vmId)).isEqualTo(lab.hostId("h1"));
        assertThat(scenario.runningDomainsEverywhere()).containsOnlyOnce(vmId);
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }

    @Test
    void deactivatingAHostEvacuatesItsVmsThenActivateBringsItBack() {
        String first = scenario.createGuest("evacuee-1", List.of());
        String second = scenario.createGuest("evacuee-2", List.of());
        scenario.action(first, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.action(second, "start", Map.of("hostId", lab.hostId("h1")));
        Api.Response accepted = api.post("/api/hosts/" + lab.hostId("h1") + "/deactivate", null);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode job = scenario.awaitJob(accepted.body());
        assertThat(job.get("steps")).extracting(step -> step.get("name").asText())
                .contains("EVACUATE evacuee-1", "EVACUATE evacuee-2", "ENTER_MAINTENANCE");
        assertThat(api.get("/api/hosts/" + lab.hostId("h1")).body().get("status").asText()).isEqualTo("MAINTENANCE");
        assertThat(scenario.hostOf(first)).isEqualTo(lab.hostId("h2"));
        assertThat(scenario.hostOf(second)).isEqualTo(lab.hostId("h2"));

        String late = scenario.createGuest("late-comer", List.of());
        Api.Response refused = api.post("/api/vms/" + late + "/start", Map.of("hostId", lab.hostId("h1")));
        assertThat(refused.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/jobs/" + refused.body().get("id").asText()).body()
                .get("status").asText().equals("FAILED"));
        assertThat(api.get("/api/jobs/" + refused.body().get("id").asText()).body().get("errorMessage").asText())
                .containsIgnoringCase("maintenance");

        assertThat(api.post("/api/hosts/" + lab.hostId("h1") + "/activate", null).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/hosts/" + lab.hostId("h1")).body().get("status").asText()
                .equals("UP"));
        assertThat(api.post("/api/hosts/" + lab.hostId("h1") + "/activate", null).status()).isEqualTo(409);
        for (String vmId : List.of(first, second)) {
            scenario.action(vmId, "stop", null);
            assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
        }
        assertThat(api.delete("/api/vms/" + late).status()).isEqualTo(200);
    }
}
