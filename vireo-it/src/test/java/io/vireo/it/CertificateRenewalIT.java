package io.vireo.it;

import io.vireo.model.CertificateFingerprint;
import io.vireo.model.Pem;
import io.vireo.testkit.LabHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Certificates that live a minute: an engine of its own signs agents' certificates for one minute;
 * a lab host's agent renews its certificate over its link before it ends and, restarted after the
 * first one expired, connects with the renewed one. Then the engine's CA is rotated with the engine
 * stopped ('vireo ca rotate'): the agent, which trusts only the old CA, connects to the restarted
 * engine, is asked to renew, and holds a certificate of the new CA, without enrolling again.
 */
class CertificateRenewalIT extends LabTest {
    private Path directory;
    private VireoProcess engine;
    private VireoProcess agent;

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (directory != null) {
            Path pgdata = directory.resolve("engine/postgres/pgdata");
            if (Files.exists(pgdata.resolve("postmaster.pid"))) {
                new ProcessBuilder("runuser", "-u", "postgres", "--", "/usr/bin/env", "sh", "-c",
                        "for b in /usr/lib/postgresql/*/bin; do $b/pg_ctl -D " + pgdata + " -m immediate stop; break; done")
                        .inheritIO().start().waitFor(60, TimeUnit.SECONDS);
            }
            new ProcessBuilder("rm", "-rf", directory.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAgentRenewsItsMinuteLongCertificateAndFollowsARotatedCa() throws Exception {
        directory = lab.lab().baseDir().resolve("renewal");
        new ProcessBuilder("rm", "-rf", directory.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        Path data = Files.createDirectories(directory.resolve("engine"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        int apiPort = freePort();
        int agentPort = freePort();
        Api admin = startEngine(data, apiPort, agentPort);
        String dataCenter = admin.post("/api/datacenters", Map.of("name", "renewal")).body().get("id").asText();
        String cluster = admin.post("/api/clusters", Map.of("name", "renewal", "dataCenterId", dataCenter)).body()
                .get("id").asText();
        LabHost host = lab.lab().host("h1");
        var created = admin.post("/api/hosts", Map.of("name", "renewing", "address", host.address(), "clusterId", cluster)).body();
        String hostId = created.get("host").get("id").asText();
        Path state = directory.resolve("agent");
        VireoProcess.run(List.of("ip", "netns", "exec", host.netns()), List.of("agent", "enroll", "--engine",
                "https://" + lab.lab().rootAddress() + ":" + apiPort, "--token", created.get("enrollmentToken").asText(),
                "--ca-fingerprint", created.get("caFingerprint").asText(), "--state-dir", state.toString(),
                "--libvirt-pki-dir", pki().toString()),
                Duration.ofMinutes(2));
        X509Certificate first = certificate(state.resolve("agent.crt"));
        assertThat(certificate(pki().resolve("servercert.pem"))).as("enrolling wrote libvirt's copy").isEqualTo(first);
        assertThat(Duration.between(first.getNotBefore().toInstant(), first.getNotAfter().toInstant()))
                .as("a certificate that lives a minute (and a tenth of it before)").isLessThan(Duration.ofSeconds(70));
        agent = startAgent(host, state, "agent-renewal-1");
        awaitUp(admin, hostId);

        // two thirds into its minute the agent asks over its link, and keeps the answer
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> !certificate(state.resolve("agent.crt")).getSerialNumber().equals(first.getSerialNumber()));
        X509Certificate renewed = certificate(state.resolve("agent.crt"));
        assertThat(renewed.getNotAfter()).isAfter(first.getNotAfter());
        // libvirtd's and QEMU's copies follow the renewal, key included
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> certificate(pki().resolve("servercert.pem")).equals(certificate(state.resolve("agent.crt"))));
        assertThat(certificate(pki().resolve("qemu/client-cert.pem"))).isEqualTo(certificate(pki().resolve("clientcert.pem")));
        assertThat(((java.security.interfaces.ECPrivateKey) Pem.readPrivateKey(Files.readString(pki().resolve("qemu/server-key.pem")),
                "server-key.pem")).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) Pem.readPrivateKey(Files.readString(state.resolve("agent.key")),
                        "agent.key")).getS());
        assertThat(admin.get("/api/events?last=100").body()).anyMatch(event ->
                event.get("code").asText().equals("HOST_CERTIFICATE_RENEWED") && hostId.equals(event.path("hostId").asText()));

        // once the first certificate has expired, a restarted agent gets in with the renewed one only
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> Instant.now().isAfter(first.getNotAfter().toInstant().plusSeconds(1)));
        agent.close();
        agent = startAgent(host, state, "agent-renewal-2");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> agent.logText().contains("Serving the engine as host " + hostId));
        X509Certificate presented = certificate(state.resolve("agent.crt"));
        assertThat(presented.getNotBefore().toInstant()).isAfter(first.getNotBefore().toInstant());
        awaitUp(admin, hostId);

        // the CA is rotated with the engine stopped; the agent, trusting only the old CA, is not enrolled again
        X509Certificate oldCa = certificate(data.resolve("pki/ca.crt"));
        engine.close();
        String rotated = VireoProcess.run(List.of(), List.of("ca", "rotate", "--data-dir", data.toString(), "--lifetime",
                "P30D"), Duration.ofMinutes(1));
        X509Certificate newCa = certificate(data.resolve("pki/ca.crt"));
        assertThat(newCa).isNotEqualTo(oldCa);
        assertThat(rotated).contains(CertificateFingerprint.of(newCa), CertificateFingerprint.of(oldCa));
        assertThat(AgentTrust.of(state)).as("the agent trusts the old CA only, so far").containsExactly(oldCa);
        Api afterRotation = startEngine(data, apiPort, agentPort);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> certificate(state.resolve("agent.crt")).getIssuerX500Principal()
                        .equals(newCa.getSubjectX500Principal()));
        assertThat(AgentTrust.of(state)).as("the new CA first, the old one while it lasts").containsExactly(newCa, oldCa);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(pki().resolve("cacert.pem")).equals(Files.readString(state.resolve("ca.crt"))));
        awaitUp(afterRotation, hostId);
        assertThat(agent.logText()).doesNotContain("not enrolled");
    }

    private Api startEngine(Path data, int apiPort, int agentPort) throws IOException {
        engine = VireoProcess.start("engine-renewal", List.of(), List.of("engine", "--data-dir", data.toString(),
                        "--listen", "0.0.0.0", "--api-port", String.valueOf(apiPort), "--agent-port", String.valueOf(agentPort),
                        "--advertise", lab.lab().rootAddress(), "--host-grace-seconds", "8",
                        "--host-certificate-lifetime", "PT1M"),
                directory.resolve("engine.log"), Map.of("VIREO_ADMIN_PASSWORD", LabEnvironment.ADMIN_PASSWORD));
        Api[] api = new Api[1];
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(() -> {
            if (!engine.isAlive()) {
                throw new IllegalStateException("the engine exited:\n" + engine.logText());
            }
            try {
                api[0] = new Api("https://127.0.0.1:" + apiPort, certificate(data.resolve("pki/ca.crt")));
                return api[0].get("/api").status() == 401;
            } catch (IllegalStateException | IOException e) {
                return false;
            }
        });
        return api[0].login("admin", LabEnvironment.ADMIN_PASSWORD);
    }

    private VireoProcess startAgent(LabHost host, Path state, String name) throws IOException {
        return VireoProcess.start(name, List.of("ip", "netns", "exec", host.netns()), List.of("agent", "run",
                        "--state-dir", state.toString(), "--libvirt-uri", host.libvirtUri(), "--stats-seconds", "2",
                        "--libvirt-pki-dir", pki().toString(),
                        "--console-dir", lab.lab().consoleDir().toString()),
                directory.resolve(name + ".log"), Map.of());
    }

    /** Where this test's agent writes the host's certificate for libvirt (not the lab host's own, which its agent keeps). */
    private Path pki() {
        return directory.resolve("libvirt-pki");
    }

    private static void awaitUp(Api api, String hostId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> api.get("/api/hosts/" + hostId).body().path("status").asText().equals("UP"));
    }

    private static X509Certificate certificate(Path file) throws IOException {
        return Pem.readCertificate(Files.readString(file));
    }

    /** The CA certificates an agent's state directory says it trusts. */
    private static final class AgentTrust {
        static List<X509Certificate> of(Path state) throws Exception {
            try (var in = Files.newInputStream(state.resolve("ca.crt"))) {
                return java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                        .map(X509Certificate.class::cast).toList();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
