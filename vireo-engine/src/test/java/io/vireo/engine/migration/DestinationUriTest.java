package io.vireo.engine.migration;

import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A source host reaches the destination's libvirtd over TLS, at the address its certificate names. */
class DestinationUriTest {
    @Test
    void theDestinationIsReachedOverTlsAtItsRegisteredAddress() {
        assertThat(MigrationService.destinationUri(host("10.231.0.2"))).isEqualTo("qemu+tls://10.231.0.2/system");
        assertThat(MigrationService.destinationUri(host("kvm2.example.org"))).isEqualTo("qemu+tls://kvm2.example.org/system");
        assertThat(MigrationService.destinationUri(host("fd00::2"))).isEqualTo("qemu+tls://[fd00::2]/system");
    }

    private static Host host(String address) {
        return new Host(UUID.randomUUID().toString(), "h2", address, UUID.randomUUID().toString(), HostStatus.UP, null,
                "qemu", "9.0.0", 2, 0, 1 << 20, 1 << 19, 0, Instant.now(), Instant.now());
    }
}
