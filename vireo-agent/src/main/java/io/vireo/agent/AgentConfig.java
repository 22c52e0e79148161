package io.vireo.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How an agent runs.
 *
 * @param stateDirectory its key, certificates, enrollment and highest seen epoch
 * @param libvirtUri e.g. qemu:///system, or qemu:///system?socket=... for a lab host
 * @param vncListenAddress where guests' VNC and SPICE servers listen (the host's management address); empty
 *     for qemu.conf's vnc_listen and spice_listen
 * @param domainType "kvm" or "qemu" to force, empty to detect from the host
 * @param libvirtPkiDirectory where the host's certificate is written for libvirtd and QEMU
 *                            ({@link io.vireo.agent.enrollment.LibvirtPki}; the product's is /etc/pki/vireo-libvirt)
 * @param qemuUser the user QEMU runs as (who must read QEMU's copy of the key); empty to detect
 */
public record AgentConfig(
        Path stateDirectory,
        String libvirtUri,
        Optional<String> vncListenAddress,
        Optional<String> domainType,
        Duration statsInterval,
        Optional<Path> consoleDirectory,
        Path libvirtPkiDirectory,
        Optional<String> qemuUser) {
    public AgentConfig {
        requireNonNull(stateDirectory, "stateDirectory");
        requireNonNull(libvirtUri, "libvirtUri");
        requireNonNull(vncListenAddress, "vncListenAddress");
        requireNonNull(domainType, "domainType");
        requireNonNull(statsInterval, "statsInterval");
        requireNonNull(consoleDirectory, "consoleDirectory");
        requireNonNull(libvirtPkiDirectory, "libvirtPkiDirectory");
        requireNonNull(qemuUser, "qemuUser");
    }

    public static Path defaultStateDirectory() {
        return "root".equals(System.getProperty("user.name")) ? Path.of("/var/lib/vireo-agent")
                : Path.of(System.getProperty("user.home"), ".vireo-agent");
    }

    public io.vireo.agent.enrollment.LibvirtPki libvirtPki() {
        return new io.vireo.agent.enrollment.LibvirtPki(libvirtPkiDirectory, qemuUser);
    }

    /**
     * Where guests' serial consoles are written. Hosts should share one path (the default is under the
     * state directory) so that a migrated guest keeps writing to a file of that name on its new host.
     */
    public Path consoleLogDirectory() {
        return consoleDirectory.orElse(stateDirectory.resolve("console"));
    }

    /**
     * Where the overlay's dnsmasq files go: under /run for root, so that they go with a reboot like the
     * namespaces they serve (the agent writes them again at each convergence).
     */
    public Path overlayRunDirectory() {
        return "root".equals(System.getProperty("user.name")) ? Path.of("/run/vireo-agent/overlay")
                : stateDirectory.resolve("run/overlay");
    }
}
