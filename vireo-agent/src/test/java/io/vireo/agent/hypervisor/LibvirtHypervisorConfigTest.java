package io.vireo.agent.hypervisor;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LibvirtHypervisorConfigTest {
    @Test
    void defaults() {
        LibvirtHypervisorConfig config = LibvirtHypervisorConfig.defaults();

        assertThat(config.uri()).isEqualTo("qemu:///system");
        assertThat(config.consoleLogDir()).isEqualTo(Path.of("/var/log/vireo/console"));
        assertThat(config.vncListenAddress()).isEqualTo("0.0.0.0");
        assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.domainType()).isNull();
        assertThat(config.withDomainType("qemu").domainType()).isEqualTo("qemu");
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new LibvirtHypervisorConfig("qemu:///system", Path.of("console"), "0.0.0.0", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LibvirtHypervisorConfig("qemu:///system", Path.of("/c"), "0.0.0.0", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LibvirtHypervisorConfig.defaults().withDomainType("xen"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
