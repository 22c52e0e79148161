package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.testkit.GuestImage;
import io.vireo.testkit.Lab;
import io.vireo.testkit.LabHost;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.vireo.model.Pem;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * One lab for every end-to-end class of a test run: two simulated hosts, the guest image, an
 * engine process on an embedded PostgreSQL, a data center, cluster and shared storage domain, and
 * both hosts enrolled with their agents running. Made on first use, closed when the run ends.
 */
public final class LabEnvironment implements BeforeAllCallback, ExtensionContext.Store.CloseableResource {
    static final String ADMIN_PASSWORD = "lab-admin-password";
    private static LabEnvironment instance;

    private Lab lab;
    private GuestImage guest;
    private Path engineData;
    private int apiPort;
    private int agentPort;
    private VireoProcess engine;
    private final Map<String, VireoProcess> agents = new LinkedHashMap<>();
    private final Map<String, String> hostIds = new LinkedHashMap<>();
    private Api api;
    private String dataCenterId;
    private String clusterId;
    private String storageDomainId;
    private String kernelFileId;
    private String initrdFileId;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (LabEnvironment.class) {
            if (instance == null) {
                LabEnvironment environment = new LabEnvironment();
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put("vireo-lab", environment);
                environment.startAll();
                instance = environment;
            }
        }
    }

    static LabEnvironment get() {
        return instance;
    }

    private void startAll() throws Exception {
        guest = GuestImage.ensureBuilt();
        lab = Lab.start(2);
        engineData = lab.baseDir().resolve("engine");
        removeEngineLeftovers();
        Files.createDirectories(engineData, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        apiPort = freePort();
        agentPort = freePort();
        startEngine();
        api = newApi().login("admin", ADMIN_PASSWORD);
        dataCenterId = api.post("/api/datacenters", Map.of("name", "lab")).body().get("id").asText();
        clusterId = api.post("/api/clusters", Map.of("name", "lab", "dataCenterId", dataCenterId)).body().get("id").asText();
        storageDomainId = api.post("/api/storagedomains", Map.of("name", "lab-shared", "dataCenterId", dataCenterId,
                "path", lab.storageDir().toString())).body().get("id").asText();
        for (LabHost host : lab.hosts()) {
            enrollAndStartAgent(host);
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> hostIds.values().stream()
                .allMatch(id -> api.get("/api/hosts/" + id).body().path("status").asText().equals("UP")));
        installBootFiles();
    }

    /**
     * The guest's kernel and initrd go where an administrator puts boot files, the storage domain's
     * boot-files directory, and a scan makes them known: every guest of the run boots them by id.
     */
    private void installBootFiles() throws IOException {
        guest.installBootFiles(lab.storageDir());
        Api.Response scan = api.post("/api/storagedomains/" + storageDomainId + "/bootfiles/scan", null);
        if (scan.status() != 200) {
            throw new IllegalStateException("the boot files scan failed: " + scan);
        }
        for (JsonNode file : scan.body().get("files")) {
            switch (file.get("name").asText()) {
                case GuestImage.KERNEL_FILE -> kernelFileId = file.get("id").asText();
                case GuestImage.INITRD_FILE -> initrdFileId = file.get("id").asText();
                default -> { }
            }
        }
        if (kernelFileId == null || initrdFileId == null) {
            throw new IllegalStateException("the scan did not find the guest's boot files: " + scan);
        }
    }

    /** The boot file id of the guest's kernel in the lab's storage domain. */
    String kernelFileId() {
        return kernelFileId;
    }

    /** The boot file id of the guest's initrd in the lab's storage domain. */
    String initrdFileId() {
        return initrdFileId;
    }

    void startEngine() throws IOException {
        engine = VireoProcess.start("engine", List.of(), List.of("engine", "--data-dir", engineData.toString(),
                        "--listen", "0.0.0.0", "--api-port", String.valueOf(apiPort), "--agent-port", String.valueOf(agentPort),
                        "--advertise", lab.rootAddress(), "--host-grace-seconds", "8", "--balance-seconds", "3"),
                lab.baseDir().resolve("logs/engine.log"), Map.of("VIREO_ADMIN_PASSWORD", ADMIN_PASSWORD));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!engine.isAlive()) {
                throw new IllegalStateException("the engine exited:\n" + engine.logText());
            }
            try {
                return Files.exists(caFile()) && newApi().get("/api").status() == 401;
            } catch (IllegalStateException e) {
                return false;
            }
        });
    }

    /** SIGKILLs the engine (and nothing else): its PostgreSQL, agents and guests stay. */
    void killEngine() throws InterruptedException {
        engine.kill();
    }

    private void enrollAndStartAgent(LabHost host) throws Exception {
        JsonNode created = api.post("/api/hosts", Map.of("name", host.name(), "address", host.address(), "clusterId", clusterId)).body();
        hostIds.put(host.name(), created.get("host").get("id").asText());
        Path state = agentState(host);
        VireoProcess.run(List.of("ip", "netns", "exec", host.netns()), List.of("agent", "enroll", "--engine",
                "https://" + lab.rootAddress() + ":" + apiPort, "--token", created.get("enrollmentToken").asText(),
                "--ca-fingerprint", created.get("caFingerprint").asText(), "--state-dir", state.toString(),
                "--libvirt-pki-dir", host.pkiDir().toString()),
                Duration.ofSeconds(120));
        // enrolling wrote the host's certificate for libvirtd: hosts reach each other over TLS from now on
        host.listenTls();
        startAgent(host);
    }

    void startAgent(LabHost host) throws IOException {
        // inside the host as its libvirtd sees it (network, mount and UTS namespaces): its /run is the host's own, so
        // what the agent names there (network namespaces, dnsmasq's files) is this host's, not shared with the others
        agents.put(host.name(), VireoProcess.start("agent-" + host.name(), host.inHost().command(),
                List.of("agent", "run", "--state-dir", agentState(host).toString(), "--libvirt-uri", host.libvirtUri(),
                        "--libvirt-pki-dir", host.pkiDir().toString(),
                        "--stats-seconds", "2", "--console-dir", lab.consoleDir().toString()),
                lab.baseDir().resolve("logs/agent-" + host.name() + ".log"), Map.of()));
    }

    /** What the agent of this lab host has logged so far. */
    String agentLog(String hostName) {
        return agents.get(hostName).logText();
    }

    void killAgent(LabHost host) throws InterruptedException {
        agents.get(host.name()).kill();
    }

    private Path agentState(LabHost host) {
        return lab.baseDir().resolve("agents").resolve(host.name());
    }

    private void removeEngineLeftovers() throws IOException, InterruptedException {
        Path pgdata = engineData.resolve("postgres/pgdata");
        if (Files.exists(pgdata.resolve("postmaster.pid"))) {
            new ProcessBuilder("runuser", "-u", "postgres", "--", "/usr/bin/env", "sh", "-c",
                    "for b in /usr/lib/postgresql/*/bin; do $b/pg_ctl -D " + pgdata + " -m immediate stop; break; done")
                    .inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
        new ProcessBuilder("rm", "-rf", engineData.toString(), lab.baseDir().resolve("agents").toString())
                .inheritIO().start().waitFor(60, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    Api api() {
        return api;
    }

    /** A client of the engine's API over HTTPS, trusting the engine's CA (as a user who accepted it at login). */
    Api newApi() {
        try {
            return new Api("https://127.0.0.1:" + apiPort, readCertificate(caFile()));
        } catch (IOException e) {
            throw new IllegalStateException("the engine's CA cannot be read from " + caFile(), e);
        }
    }

    /** The engine's CA certificate (PEM), made at its first start. */
    Path caFile() {
        return engineData.resolve("pki/ca.crt");
    }

    static X509Certificate readCertificate(Path file) throws IOException {
        return Pem.readCertificate(Files.readString(file));
    }

    Lab lab() {
        return lab;
    }

    GuestImage guest() {
        return guest;
    }

    String hostId(String name) {
        return hostIds.get(name);
    }

    String clusterId() {
        return clusterId;
    }

    String dataCenterId() {
        return dataCenterId;
    }

    String storageDomainId() {
        return storageDomainId;
    }

    VireoProcess engine() {
        return engine;
    }

    /** Where another engine instance finds the engine's embedded PostgreSQL: its port, read from the server's pid file. */
    String engineDatabaseUrl() throws IOException {
        // postmaster.pid: pid, data directory, start time, port, ... (PostgreSQL's documented layout)
        List<String> lines = Files.readAllLines(engineData.resolve("postgres/pgdata/postmaster.pid"));
        return "jdbc:postgresql://127.0.0.1:" + lines.get(3).strip() + "/vireo";
    }

    /** The owner-only file with the token /metrics asks for, which the engine made at its first start. */
    Path engineMetricsTokenFile() {
        return engineData.resolve("metrics-token");
    }

    /** The owner-only file with the password of that database, for --database-password-file. */
    Path engineDatabasePasswordFile() {
        return engineData.resolve("postgres/password");
    }

    @Override
    public void close() throws Throwable {
        for (VireoProcess agent : agents.values()) {
            agent.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (lab != null) {
            lab.close();
        }
        removeEngineLeftovers();
    }
}
