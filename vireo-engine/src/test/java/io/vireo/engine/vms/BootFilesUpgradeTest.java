package io.vireo.engine.vms;

import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** VMs made before boot files named host paths as kernels; the upgrade drops those paths and says so per VM. */
class BootFilesUpgradeTest {
    private final UUID cluster = UUID.randomUUID();
    private final UUID pathBooted = UUID.randomUUID();
    private final UUID diskBooted = UUID.randomUUID();

    @Test
    void hostPathKernelsAreDroppedWithAnEventPerVm() {
        TestDatabase.External legacy = TestDatabase.emptyExternal();
        Flyway.configure().dataSource(legacy.url(), legacy.user(), legacy.password()).locations("classpath:db/migration").target("12")
                .load().migrate();
        Jdbi.create(() -> java.sql.DriverManager.getConnection(legacy.url(), legacy.user(), legacy.password())).useTransaction(h -> {
            UUID dataCenter = UUID.randomUUID();
            h.createUpdate("INSERT INTO data_centers (id, name) VALUES (:id, 'dc')").bind("id", dataCenter).execute();
            h.createUpdate("INSERT INTO clusters (id, name, data_center_id) VALUES (:id, 'c', :dc)")
                    .bind("id", cluster).bind("dc", dataCenter).execute();
            h.createUpdate("INSERT INTO vms (id, name, cluster_id, vcpus, memory_mib, kernel, initrd, cmdline, graphics, desired_state, "
                            + "status) VALUES (:id, 'stolen', :cluster, 1, 128, '/boot/vmlinuz', '/var/lib/vireo/pki/ca.key', "
                            + "'console=ttyS0', 'vnc', 'DOWN', 'DOWN')")
                    .bind("id", pathBooted).bind("cluster", cluster).execute();
            h.createUpdate("INSERT INTO vms (id, name, cluster_id, vcpus, memory_mib, cmdline, graphics, desired_state, status) "
                            + "VALUES (:id, 'plain', :cluster, 1, 128, NULL, 'vnc', 'DOWN', 'DOWN')")
                    .bind("id", diskBooted).bind("cluster", cluster).execute();
        });

        try (Database upgraded = new Database(legacy.url(), legacy.user(), legacy.password())) {
            upgraded.jdbi().useHandle(h -> {
                assertThat(h.createQuery("SELECT column_name FROM information_schema.columns WHERE table_name = 'vms' "
                        + "AND column_name IN ('kernel', 'initrd')").mapTo(String.class).list()).isEmpty();
                Map<String, Object> stolen = h.createQuery("SELECT kernel_file_id, initrd_file_id, cmdline FROM vms WHERE id = :id")
                        .bind("id", pathBooted).mapToMap().one();
                assertThat(stolen).containsEntry("kernel_file_id", null).containsEntry("initrd_file_id", null)
                        .containsEntry("cmdline", null);
                Map<String, Object> event = h.createQuery("SELECT severity, code, message, vm_id FROM events WHERE code = "
                        + "'VM_KERNEL_BOOT_REMOVED'").mapToMap().one();
                assertThat(event).containsEntry("severity", "WARNING").containsEntry("vm_id", pathBooted);
                assertThat((String) event.get("message")).contains("VM stolen", "/boot/vmlinuz", "/var/lib/vireo/pki/ca.key",
                        "console=ttyS0", "boot-files");
            });
        }
    }
}
