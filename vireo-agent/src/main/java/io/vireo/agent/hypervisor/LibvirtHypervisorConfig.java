package io.vireo.agent.hypervisor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How the agent reaches libvirt.
 *
 * @param uri libvirt URI, e.g. qemu:///system or qemu:///system?socket=/path/to/libvirt-sock
 * @param consoleLogDir where each VM's serial console is written, as {@code <vmId>.log}
 * @param vncListenAddress the address VNC and SPICE servers of the guests listen on (the host's management
 *     address), or empty for qemu.conf's vnc_listen and spice_listen; never an unspecified address
 * @param callTimeout how long any one libvirt operation may take before the agent gives up on it
 * @param domainType "kvm" or "qemu" to override detection, or null to detect (see {@link DomainTypeDetector})
 */
public record LibvirtHypervisorConfig(
        String uri,
        Path consoleLogDir,
        Optional<String> vncListenAddress,
        Duration callTimeout,
        String domainType) {
    public static final String DEFAULT_URI = "qemu:///system";
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    public LibvirtHypervisorConfig {
        requireNonNull(uri, "uri");
        requireNonNull(consoleLogDir, "consoleLogDir");
        requireNonNull(vncListenAddress, "vncListenAddress");
        requireNonNull(callTimeout, "callTimeout");
        if (!consoleLogDir.isAbsolute()) {
            throw new IllegalArgumentException("consoleLogDir must be absolute: " + consoleLogDir);
        }
        vncListenAddress.ifPresent(address -> {
            if (address.isBlank() || DomainXml.unspecifiedAddress(address)) {
                throw new IllegalArgumentException("the display listen address must be the host's management address, not '"
                        + address + "': " + (address.isBlank() ? "none" : "every address of the host")
                        + " (leave it out to use qemu.conf's vnc_listen and spice_listen)");
            }
        });
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive: " + callTimeout);
        }
        if (domainType != null && !DomainTypeDetector.TYPES.contains(domainType)) {
            throw new IllegalArgumentException("domainType must be kvm, qemu or null, not " + domainType);
        }
    }

    /** Detects the domain type. */
    public LibvirtHypervisorConfig(String uri, Path consoleLogDir, Optional<String> vncListenAddress, Duration callTimeout) {
        this(uri, consoleLogDir, vncListenAddress, callTimeout, null);
    }

    /** The system libvirtd, guests' consoles under /var/log/vireo/console, displays where qemu.conf says. */
    public static LibvirtHypervisorConfig defaults() {
        return new LibvirtHypervisorConfig(DEFAULT_URI, Path.of("/var/log/vireo/console"), Optional.empty(), DEFAULT_CALL_TIMEOUT);
    }

    public LibvirtHypervisorConfig withDomainType(String newDomainType) {
        return new LibvirtHypervisorConfig(uri, consoleLogDir, vncListenAddress, callTimeout, newDomainType);
    }
}
