package io.vireo.cli;

import io.vireo.engine.Engine;
import io.vireo.engine.EngineConfig;
import io.vireo.engine.auth.LoginLimits;
import io.vireo.engine.common.Retention;
import io.vireo.engine.hosts.DisplayAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "engine", mixinStandardHelpOptions = true, description = "Run the Vireo engine")
public final class EngineCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "Data directory (default /var/lib/vireo as root, else ~/.vireo)")
    Path dataDirectory;
    @Option(names = "--database-url", description = "jdbc:postgresql://... of an external PostgreSQL; default: an embedded one")
    String databaseUrl;
    @Option(names = "--database-user")
    String databaseUser;
    @Option(names = "--database-password-file")
    Path databasePasswordFile;
    @Option(names = "--listen", defaultValue = "0.0.0.0", description = "Address to listen on (default ${DEFAULT-VALUE})")
    String listen;
    @Option(names = "--api-port", defaultValue = "8080")
    int apiPort;
    @Option(names = "--agent-port", defaultValue = "8443")
    int agentPort;
    @Option(names = "--advertise", description = "Address agents are told to dial (default: first non-loopback address)")
    String advertise;
    @Option(names = "--admin-password-file", description = "File with the admin password for the first start "
            + "(or set VIREO_ADMIN_PASSWORD); otherwise one is generated and printed once")
    Path adminPasswordFile;
    @Option(names = "--host-grace-seconds", defaultValue = "30",
            description = "Seconds of silence before a Connecting host is NonResponsive (default ${DEFAULT-VALUE})")
    int hostGraceSeconds;
    @Option(names = "--balance-seconds", defaultValue = "60",
            description = "How often the balancer looks at every cluster (default ${DEFAULT-VALUE})")
    int balanceSeconds;
    @Option(names = "--spice-proxy", description = "HTTP proxy (http://host:port) that SPICE clients go through to "
            + "reach the hosts' displays; written into remote-viewer (.vv) files. Default: none, clients connect directly")
    String spiceProxy;
    @Option(names = "--display-ports", defaultValue = "5900-65535",
            description = "Ports of the VMs' displays the console connects to, FIRST-LAST (default ${DEFAULT-VALUE})")
    String displayPorts;
    @Option(names = "--allow-local-host-addresses",
            description = "Let hosts have loopback or link-local addresses (only for an engine whose one host is this machine)")
    boolean localHostAddresses;
    @Option(names = "--tls-cert", description = "PEM certificate (then any intermediates) to serve the API, portals and "
            + "consoles with; default: one the engine's own CA signs for this machine's names and addresses")
    Path tlsCertificate;
    @Option(names = "--tls-key", description = "PEM private key of --tls-cert")
    Path tlsKey;
    @Option(names = "--public-name", description = "Another DNS name or address clients reach the engine at, for the "
            + "certificate the engine's CA signs (repeatable)")
    List<String> publicNames = new ArrayList<>();
    @Option(names = "--insecure-http", description = "Serve the API, portals and consoles over plain HTTP (only behind "
            + "a TLS proxy: passwords and tokens would cross the network readable)")
    boolean insecureHttp;
    @Option(names = "--host-certificate-lifetime", defaultValue = "P365D", description = "How long agents' certificates "
            + "live, ISO-8601 (default ${DEFAULT-VALUE}); agents renew theirs over their link at two thirds of it")
    Duration hostCertificateLifetime;
    @Option(names = "--max-tokens-per-user", defaultValue = "50",
            description = "Live bearer tokens a user may hold; a login beyond that revokes its oldest (default ${DEFAULT-VALUE})")
    int maxTokensPerUser;
    @Option(names = "--logins-per-minute", defaultValue = "60",
            description = "Login requests one client address may make per minute; beyond that 429 (default ${DEFAULT-VALUE})")
    int loginsPerMinute;
    @Option(names = "--metrics-token-file", description = "File with the bearer token /metrics asks for "
            + "(default: a random one the engine writes to metrics-token in its data directory, readable by its user only)")
    Path metricsTokenFile;
    @Option(names = "--no-metrics", description = "Do not serve /metrics at all")
    boolean noMetrics;
    @Option(names = "--keep-events-days", defaultValue = "30",
            description = "Days the event log keeps an event (default ${DEFAULT-VALUE})")
    int keepEventsDays;
    @Option(names = "--keep-events", defaultValue = "1000000",
            description = "Most events kept, the newest (default ${DEFAULT-VALUE})")
    long keepEvents;
    @Option(names = "--keep-jobs-days", defaultValue = "7",
            description = "Days a finished job (with its steps) is kept (default ${DEFAULT-VALUE})")
    int keepJobsDays;
    @Option(names = "--keep-jobs", defaultValue = "100000",
            description = "Most finished jobs kept, the newest (default ${DEFAULT-VALUE})")
    long keepJobs;
    @Option(names = "--keep-expired-hours", defaultValue = "24",
            description = "Hours an expired access token or console ticket is kept before it is removed (default ${DEFAULT-VALUE})")
    int keepExpiredHours;

    EngineConfig config() throws Exception {
        Optional<String> adminPassword = Optional.ofNullable(System.getenv("VIREO_ADMIN_PASSWORD"));
        if (adminPasswordFile != null) {
            adminPassword = Optional.of(Files.readString(adminPasswordFile).strip());
        }
        Optional<String> databasePassword = databasePasswordFile == null ? Optional.empty()
                : Optional.of(Files.readString(databasePasswordFile).strip());
        return new EngineConfig(dataDirectory == null ? EngineConfig.defaultDataDirectory() : dataDirectory,
                Optional.ofNullable(databaseUrl), Optional.ofNullable(databaseUser), databasePassword, listen, apiPort,
                agentPort, Optional.ofNullable(advertise), adminPassword, Duration.ofSeconds(hostGraceSeconds),
                Duration.ofSeconds(balanceSeconds), Optional.ofNullable(spiceProxy),
                new LoginLimits(maxTokensPerUser, loginsPerMinute),
                new EngineConfig.Pruning(new Retention(Duration.ofDays(keepEventsDays), keepEvents),
                        new Retention(Duration.ofDays(keepJobsDays), keepJobs), Duration.ofHours(keepExpiredHours),
                        EngineConfig.Pruning.defaults().interval()),
                noMetrics ? EngineConfig.Metrics.off() : new EngineConfig.Metrics(true, Optional.ofNullable(metricsTokenFile)),
                DisplayAccess.parse(displayPorts, localHostAddresses),
                new EngineConfig.Tls(insecureHttp, Optional.ofNullable(tlsCertificate), Optional.ofNullable(tlsKey), publicNames,
                        hostCertificateLifetime));
    }

    @Override
    public Integer call() throws Exception {
        Engine engine = new Engine(config());
        engine.start();
        Runtime.getRuntime().addShutdownHook(new Thread(engine::close));
        printWelcome(engine);
        new CountDownLatch(1).await();
        return 0;
    }

    static void printWelcome(Engine engine) {
        System.out.println("Vireo engine is running: " + engine.apiUrl() + "/api");
        engine.generatedAdminPassword().ifPresentOrElse(
                password -> System.out.println("Log in as admin with password " + password
                        + "  (shown this once; it is not stored in clear anywhere)"),
                () -> System.out.println("Log in as admin (password set at first start)"));
        System.out.println("The engine's certificate authority (what 'vireo login' and agents check) has SHA-256 fingerprint");
        System.out.println("  " + engine.caFingerprint());
        System.out.println("  vireo login --url " + engine.apiUrl() + " --user admin");
        System.out.flush();
    }
}
