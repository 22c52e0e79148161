package io.vireo.engine;

import io.vireo.engine.auth.LoginLimits;

import java.nio.file.Path;
import java.time.Duration;
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
        LoginLimits loginLimits) {
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
        spiceProxy.ifPresent(EngineConfig::checkSpiceProxy);
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
                LoginLimits.DEFAULTS);
    }

    public EngineConfig withDataDirectory(Path directory) {
        return new EngineConfig(directory, databaseUrl, databaseUser, databasePassword, listenAddress, apiPort, agentPort,
                advertisedAddress, adminPassword, hostNonResponsiveAfter, balanceInterval, spiceProxy, loginLimits);
    }
}
