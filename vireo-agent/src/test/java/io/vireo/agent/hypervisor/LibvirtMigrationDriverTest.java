package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.MigrationPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The flags of every migration: the data stream over TLS included, whatever the policy. */
class LibvirtMigrationDriverTest {
    @Test
    void everyMigrationEncryptsItsDataStream() {
        // libvirt's value of VIR_MIGRATE_TLS (libvirt-domain.h)
        assertThat(LibvirtMigrationDriver.VIR_MIGRATE_TLS).isEqualTo(65536L);
        for (MigrationPolicy policy : List.of(MigrationPolicy.defaults(), new MigrationPolicy(300, 10, true, true, List.of(600), 5))) {
            long flags = LibvirtMigrationDriver.flags(policy);
            assertThat(flags & LibvirtMigrationDriver.VIR_MIGRATE_TLS).as("VIR_MIGRATE_TLS").isNotZero();
            assertThat(flags & LibvirtMigrationDriver.VIR_MIGRATE_PEER2PEER).isNotZero();
            assertThat(flags & LibvirtMigrationDriver.VIR_MIGRATE_LIVE).isNotZero();
        }
    }
}
