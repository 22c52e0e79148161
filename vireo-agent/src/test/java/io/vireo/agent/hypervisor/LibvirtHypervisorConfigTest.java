package io.vireo.agent.hypervisor;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LibvirtHypervisorConfigTest {
    @Test
    void defaults() {
        LibvirtHypervisorConfig config = LibvirtHypervisorConfig.defaults();

        assertThat(config.uri()).isEqualTo("qemu:///system");
        assertThat(config.consoleLogDir()).isEqualTo(Path.of("/var/log/vireo/console"));
        assertThat(config.vncListenAddress()).as("qemu.conf's vnc_listen").isEmpty();
        assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.domainType()).isNull();
        assertThat(config.withDomainType("qemu").domainType()).isEqualTo("qemu");
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new LibvirtHypervisorConfig("qemu:///system", Path.of("console"), Optional.of("10.0.0.1"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LibvirtHypervisorConfig("qemu:///system", Path.of("/c"), Optional.of("10.0.0.1"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LibvirtHypervisorConfig.defaults().withDomainType("xen"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesToPutDisplaysOnEveryAddress() {
        for (String address : List.of("0.0.0.0", "::", "")) {
            assertThatThrownBy(() -> new LibvirtHypervisorConfig("qemu:///system", Path.of("/c"), Optional.of(address),
                    Duration.ofSeconds(1))).as(address).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("management address");
        }
        assertThat(new LibvirtHypervisorConfig("qemu:///system", Path.of("/c"), Optional.of("10.231.0.1"), Duration.ofSeconds(1))
                .vncListenAddress()).contains("10.231.0.1");
    }
}
