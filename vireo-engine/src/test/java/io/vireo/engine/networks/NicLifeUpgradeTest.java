package io.vireo.engine.networks;

import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade to V21: clusters still on the old migration defaults get the new ones (others keep
 * theirs), and each network gets its default vNIC profile, which its NICs then have.
 */
class NicLifeUpgradeTest {
    private final UUID dataCenter = UUID.randomUUID();
    private final UUID onDefaults = UUID.randomUUID();
    private final UUID tuned = UUID.randomUUID();
    private final UUID network = UUID.randomUUID();
    private final UUID nic = UUID.randomUUID();

    @Test
    void oldDefaultsMoveToFiftyMillisecondsAndEveryNetworkGetsItsDefaultProfile() {
        TestDatabase.External legacy = TestDatabase.emptyExternal();
        Flyway.configure().dataSource(legacy.url(), legacy.user(), legacy.password()).locations("classpath:db/migration").target("19")
                .load().migrate();
        Jdbi.create(() -> java.sql.DriverManager.getConnection(legacy.url(), legacy.user(), legacy.password())).useTransaction(h -> {
            h.createUpdate("INSERT INTO data_centers (id, name) VALUES (:id, 'dc')").bind("id", dataCenter).execute();
            h.createUpdate("INSERT INTO clusters (id, name, data_center_id) VALUES (:id, 'old', :dc)")
                    .bind("id", onDefaults).bind("dc", dataCenter).execute();
            h.createUpdate("INSERT INTO clusters (id, name, data_center_id, migration_max_downtime_ms, migration_downtime_steps_ms) "
                    + "VALUES (:id, 'tuned', :dc, 80, '300')").bind("id", tuned).bind("dc", dataCenter).execute();
            h.createUpdate("INSERT INTO networks (id, data_center_id, name, host_nic, bridge) VALUES (:id, :dc, 'lan', 'eth1', 'vn0123456789')")
                    .bind("id", network).bind("dc", dataCenter).execute();
            UUID vm = UUID.randomUUID();
            h.createUpdate("INSERT INTO vms (id, name, cluster_id, vcpus, memory_mib, graphics, desired_state, status) "
                    + "VALUES (:id, 'vm1', :cluster, 1, 128, 'vnc', 'DOWN', 'DOWN')").bind("id", vm).bind("cluster", onDefaults).execute();
            h.createUpdate("INSERT INTO vm_nics (id, vm_id, data_center_id, cluster_id, name, network_id, mac) "
                    + "VALUES (:id, :vm, :dc, :cluster, 'nic1', :network, '56:6f:00:00:00:01')")
                    .bind("id", nic).bind("vm", vm).bind("dc", dataCenter).bind("cluster", onDefaults).bind("network", network).execute();
        });

        try (Database upgraded = new Database(legacy.url(), legacy.user(), legacy.password())) {
            upgraded.jdbi().useHandle(h -> {
                Map<String, Object> old = policy(h, onDefaults);
                assertThat(old).containsEntry("migration_max_downtime_ms", 50).containsEntry("migration_downtime_steps_ms", "100,200,500,1000");
                assertThat(policy(h, tuned)).containsEntry("migration_max_downtime_ms", 80).containsEntry("migration_downtime_steps_ms", "300");
                Map<String, Object> profile = h.createQuery("SELECT id, name, mtu, linked FROM vnic_profiles WHERE network_id = :n")
                        .bind("n", network).mapToMap().one();
                assertThat(profile).containsEntry("name", "lan").containsEntry("mtu", null).containsEntry("linked", true);
                assertThat(h.createQuery("SELECT profile_id FROM vm_nics WHERE id = :id").bind("id", nic).mapTo(UUID.class).one())
                        .isEqualTo(profile.get("id"));
            });
        }
    }

    private static Map<String, Object> policy(org.jdbi.v3.core.Handle h, UUID cluster) {
        return h.createQuery("SELECT migration_max_downtime_ms, migration_downtime_steps_ms FROM clusters WHERE id = :id")
                .bind("id", cluster).mapToMap().one();
    }
}
