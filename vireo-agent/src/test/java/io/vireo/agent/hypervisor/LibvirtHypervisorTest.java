package io.vireo.agent.hypervisor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What needs no running libvirtd; the rest is in LibvirtHypervisorIT. */
class LibvirtHypervisorTest {
    @TempDir
    Path directory;

    @Test
    void startsWithoutLibvirtAndSaysSoWhenAsked() {
        String unreachable = "qemu:///system?socket=" + directory.resolve("no-such-socket");
        try (LibvirtHypervisor hypervisor = new LibvirtHypervisor(
                new LibvirtHypervisorConfig(unreachable, directory.resolve("console"), java.util.Optional.of("127.0.0.1"), Duration.ofSeconds(10)))) {
            assertThatThrownBy(hypervisor::listVms)
                    .isInstanceOf(HypervisorException.class)
                    .hasMessageContaining("cannot connect to libvirt at " + unreachable);
        }
    }

    @Test
    void versionString() {
        assertThat(LibvirtHypervisor.versionString(9_000_000)).isEqualTo("9.0.0");
        assertThat(LibvirtHypervisor.versionString(7_002_022)).isEqualTo("7.2.22");
    }
}
