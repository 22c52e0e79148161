package io.vireo.engine;

import io.vireo.engine.auth.LoginLimits;
import io.vireo.engine.common.Retention;
import io.vireo.engine.hosts.DisplayAccess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Everything an engine is started with. Defaults suit an all-in-one machine: data under
 * /var/lib/vireo (or ~/.vireo when not root), an embedded PostgreSQL, API on port 8080 and the
 * agent endpoint on 8443 on every address.
 *
 * @param advertisedAddress the address agents are told to dial; empty to pick this machine's first non-loopback one
 * @param balanceInterval how often the leader's balancer looks at every cluster
 * @param spiceProxy an HTTP proxy (http://host:port) SPICE clients go through to reach the hosts'
 *     displays, written into remote-viewer files; empty when clients reach the hosts directly
 * @param loginLimits live tokens per user and login requests per client address and minute
 * @param pruning how long the leader keeps what only grows (events, finished jobs, expired tokens and tickets)
 * @param metrics whether /metrics is served, and the file with the bearer token it asks for
 * @param displays the display ports the console connects to, and whether hosts may have local addresses (all-in-one)
 * @param tls how the API, the portals and the console proxy are served: HTTPS unless asked otherwise
 */
public record EngineConfig(
        Path dataDirectory,
        Optional<String> databaseUrl,
        Optional<String> databaseUser,
        Optional<String> databasePassword,
        String listenAddress,
        int apiPort,
        int agentPort,
        Optional<String> advertisedAddress,
        Optional<String> adminPassword,
        Duration hostNonResponsiveAfter,
        Duration balanceInterval,
        Optional<String> spiceProxy,
        LoginLimits loginLimits,
        Pruning pruning,
        Metrics metrics,
        DisplayAccess displays,
        Tls tls) {
    /**
     * What the leader prunes, every {@code interval}, in small batches: events and finished jobs (with
     * their steps) by age and count, access tokens and console tickets once expired for {@code expired}.
     */
    public record Pruning(Retention events, Retention finishedJobs, Duration expired, Duration interval) {
        public Pruning {
            requireNonNull(events, "events");
            requireNonNull(finishedJobs, "finishedJobs");
            requireNonNull(expired, "expired");
            requireNonNull(interval, "interval");
            if (expired.isNegative() || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pruning needs a positive interval and a grace that is not negative");
            }
        }

        /** Events 30 days (at most a million), finished jobs 7 days (at most 100,000), expired credentials a day. */
        public static Pruning defaults() {
            return new Pruning(new Retention(Duration.ofDays(30), 1_000_000), new Retention(Duration.ofDays(7), 100_000),
                    Duration.ofDays(1), Duration.ofMinutes(10));
        }
    }

    /**
     * /metrics: off, or served to the bearer token in {@code tokenFile} (default: a random token the
     * engine writes to {@code metrics-token} in its data directory, readable by its user only).
     */
    public record Metrics(boolean enabled, Optional<Path> tokenFile) {
        public Metrics {
            requireNonNull(tokenFile, "tokenFile");
            if (!enabled && tokenFile.isPresent()) {
                throw new IllegalArgumentException("a metrics token file was given, but /metrics is off");
            }
        }

        public static Metrics defaults() {
            return new Metrics(true, Optional.empty());
        }

        public static Metrics off() {
            return new Metrics(false, Optional.empty());
        }
    }

    public EngineConfig {
        requireNonNull(dataDirectory, "dataDirectory");
        requireNonNull(databaseUrl, "databaseUrl");
        requireNonNull(databaseUser, "databaseUser");
        requireNonNull(databasePassword, "databasePassword");
        requireNonNull(listenAddress, "listenAddress");
        requireNonNull(advertisedAddress, "advertisedAddress");
        requireNonNull(adminPassword, "adminPassword");
        requireNonNull(hostNonResponsiveAfter, "hostNonResponsiveAfter");
        requireNonNull(balanceInterval, "balanceInterval");
        requireNonNull(spiceProxy, "spiceProxy");
        requireNonNull(loginLimits, "loginLimits");
        requireNonNull(pruning, "pruning");
        requireNonNull(metrics, "metrics");
        requireNonNull(displays, "displays");
        spiceProxy.ifPresent(EngineConfig::checkSpiceProxy);
        requireNonNull(tls, "tls");
        if (apiPort < 0 || apiPort > 65535 || agentPort < 0 || agentPort > 65535) {
            throw new IllegalArgumentException("ports must be between 0 and 65535");
        }
    }

    /** remote-viewer takes an HTTP CONNECT proxy as http://host:port, nothing else. */
    static void checkSpiceProxy(String proxy) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(proxy);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("the SPICE proxy is not a URL: " + proxy);
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the SPICE proxy must look like http://host:port, not " + proxy);
        }
    }

    public static Path defaultDataDirectory() {
        return "root".equals(System.getProperty("user.name")) ? Path.of("/var/lib/vireo")
                : Path.of(System.getProperty("user.home"), ".vireo");
    }

    public static EngineConfig defaults() {
        return new EngineConfig(defaultDataDirectory(), Optional.empty(), Optional.empty(), Optional.empty(), "0.0.0.0",
                8080, 8443, Optional.empty(), Optional.empty(), Duration.ofSeconds(30), Duration.ofMinutes(1), Optional.empty(),
                LoginLimits.DEFAULTS, Pruning.defaults(), Metrics.defaults(), DisplayAccess.defaults(), Tls.DEFAULT);
    }

    public EngineConfig withDataDirectory(Path directory) {
        return new EngineConfig(directory, databaseUrl, databaseUser, databasePassword, listenAddress, apiPort, agentPort,
                advertisedAddress, adminPassword, hostNonResponsiveAfter, balanceInterval, spiceProxy, loginLimits, pruning, metrics, displays,
                tls);
    }

    /** The same, for an all-in-one engine: its one host is this machine, on a loopback address. */
    public EngineConfig withLocalHostAddresses() {
        return new EngineConfig(dataDirectory, databaseUrl, databaseUser, databasePassword, listenAddress, apiPort, agentPort,
                advertisedAddress, adminPassword, hostNonResponsiveAfter, balanceInterval, spiceProxy, loginLimits, pruning, metrics,
                new DisplayAccess(displays.firstPort(), displays.lastPort(), true), tls);
    }

    /**
     * The API's transport. By default HTTPS with a server certificate that the engine's CA signs
     * at each start for every name and address the engine is reached at (this machine's names and
     * addresses, the advertised address and the public names); or the administrator's own
     * certificate and key (PEM files); or, only when asked, plain HTTP (behind a TLS proxy).
     *
     * @param publicNames more DNS names or IP addresses clients reach the engine at (a load balancer's name, say)
     * @param hostCertificateLifetime how long the certificates the engine's CA signs for agents live (they renew
     *     themselves at two thirds of it)
     */
    public record Tls(boolean insecureHttp, Optional<Path> certificateFile, Optional<Path> keyFile, List<String> publicNames,
                      Duration hostCertificateLifetime) {
        public static final Tls DEFAULT = new Tls(false, Optional.empty(), Optional.empty(), List.of(),
                Duration.ofDays(365));

        public Tls(boolean insecureHttp, Optional<Path> certificateFile, Optional<Path> keyFile, List<String> publicNames) {
            this(insecureHttp, certificateFile, keyFile, publicNames, DEFAULT.hostCertificateLifetime());
        }

        public Tls {
            requireNonNull(hostCertificateLifetime, "hostCertificateLifetime");
            if (hostCertificateLifetime.compareTo(Duration.ofSeconds(30)) < 0) {
                throw new IllegalArgumentException("host certificates must live 30 seconds at least, not "
                        + hostCertificateLifetime);
            }
            requireNonNull(certificateFile, "certificateFile");
            requireNonNull(keyFile, "keyFile");
            publicNames = List.copyOf(publicNames);
            if (certificateFile.isPresent() != keyFile.isPresent()) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or neither");
            }
            if (insecureHttp && certificateFile.isPresent()) {
                throw new IllegalArgumentException("--insecure-http serves plain HTTP: it takes no --tls-cert or --tls-key");
            }
            for (String name : publicNames) {
                if (name.isBlank() || name.length() > 253 || !name.matches("[A-Za-z0-9.:*-]+")) {
                    throw new IllegalArgumentException("the public name '" + name + "' is not a host name or IP address");
                }
            }
        }

        public String scheme() {
            return insecureHttp ? "http" : "https";
        }
    }
}
