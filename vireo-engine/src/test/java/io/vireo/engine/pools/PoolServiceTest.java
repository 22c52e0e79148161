package io.vireo.engine.pools;

import io.vireo.engine.EngineFixture;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Principal;
import io.vireo.model.Cluster;
import io.vireo.model.ErrorCode;
import io.vireo.model.StorageDomain;
import io.vireo.model.Vm;
import io.vireo.model.VmPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Giving out desktops on a real PostgreSQL: concurrent takers never share one, limits hold, shapes are checked. */
class PoolServiceTest {
    private static final int DESKTOPS = 6;
    private static final int TAKERS = 10;

    private final EngineFixture engine = new EngineFixture();
    private final Cluster cluster = engine.cluster("c1");
    private final StorageDomain domain = engine.storageDomain(cluster, "sd1");
    private final Vm template = engine.vm(cluster, "tpl", engine.readyDisk(domain, "base"));

    PoolServiceTest() {
        // a Down desktop given out is started: its cluster needs an Up host
        engine.upHost(cluster, "h1");
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** A pool whose desktops exist with their overlays made (as the pool monitor and its jobs leave them). */
    private VmPool poolWithDesktops(String name, int maxPerUser) {
        VmPool pool = engine.pools.create(new VmPool.Create(name, null, null, template.id(), "MANUAL", DESKTOPS, 0, maxPerUser));
        UUID poolId = UUID.fromString(pool.id());
        engine.jdbi.useTransaction(h -> {
            for (int i = 1; i <= DESKTOPS; i++) {
                UUID vmId = UUID.randomUUID();
                engine.desktops.create(h, vmId, name + "-" + i, template, poolId, i, name);
                engine.desktops.overlaysMade(h, vmId, true);
            }
        });
        return engine.pools.pool(poolId);
    }

    private Principal user(String name) {
        UUID id = UUID.randomUUID();
        engine.jdbi.useHandle(h -> h.createUpdate("INSERT INTO users (id, name, password_hash) VALUES (:id, :name, 'x')")
                .bind("id", id).bind("name", name).execute());
        return new Principal(id, name, Set.of());
    }

    @Test
    void concurrentTakersGetDistinctDesktopsUntilThePoolIsExhausted() throws InterruptedException {
        VmPool pool = poolWithDesktops("office", 1);
        assertThat(pool.desktops()).isEqualTo(DESKTOPS);
        assertThat(pool.free()).isEqualTo(DESKTOPS);
        List<Principal> users = new ArrayList<>();
        for (int i = 0; i < TAKERS; i++) {
            users.add(user("user" + i));
        }
        ConcurrentLinkedQueue<String> given = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<ErrorCode> refused = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (Principal user : users) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    given.add(engine.pools.allocate(UUID.fromString(pool.id()), user).vm().id());
                } catch (DomainException e) {
                    refused.add(e.code());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(given).hasSize(DESKTOPS);
        assertThat(new HashSet<>(given)).hasSize(DESKTOPS);
        assertThat(refused).hasSize(TAKERS - DESKTOPS).containsOnly(ErrorCode.POOL_EXHAUSTED);
        VmPool after = engine.pools.pool(UUID.fromString(pool.id()));
        assertThat(after.assigned()).isEqualTo(DESKTOPS);
        assertThat(after.free()).isZero();
        // each desktop was started for its user: one start job each, no more
        int starts = engine.jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM jobs WHERE kind = 'START_VM'")
                .mapTo(Integer.class).one());
        assertThat(starts).isEqualTo(DESKTOPS);
    }

    @Test
    void aUserGetsNoMoreThanThePoolGivesOneUser() {
        VmPool pool = poolWithDesktops("labs", 2);
        Principal alice = user("alice");
        UUID poolId = UUID.fromString(pool.id());
        String first = engine.pools.allocate(poolId, alice).vm().name();
        String second = engine.pools.allocate(poolId, alice).vm().name();
        assertThat(first).isNotEqualTo(second);
        assertThatThrownBy(() -> engine.pools.allocate(poolId, alice))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.POOL_USER_LIMIT))
                .hasMessageContaining(first).hasMessageContaining(second);
    }

    @Test
    void aPoolIsMadeOnlyFromATemplateOfItsOwnThatIsNotADesktop() {
        assertThatThrownBy(() -> engine.pools.create(new VmPool.Create("bad", null, engine.cluster("c2").id(), template.id(),
                "AUTOMATIC", 1, 0, 1)))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD))
                .hasMessageContaining("another cluster");
        poolWithDesktops("office", 1);
        Vm desktop = engine.vms.list(io.vireo.engine.store.Visibility.ALL, java.util.Optional.of("name=office-1"),
                new io.vireo.engine.common.Paging(1, 1)).getFirst();
        assertThatThrownBy(() -> engine.pools.create(new VmPool.Create("nested", null, null, desktop.id(), "AUTOMATIC", 1, 0, 1)))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD))
                .hasMessageContaining("is a desktop of a pool");
        assertThatThrownBy(() -> engine.pools.create(new VmPool.Create("office", null, null, template.id(), "AUTOMATIC", 1, 0, 1)))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_NAME));
    }

    @Test
    void aPoolWithARunningDesktopIsNotRemoved() {
        VmPool pool = poolWithDesktops("office", 1);
        engine.jdbi.useHandle(h -> h.createUpdate("UPDATE vms SET status = 'UP' WHERE name = 'office-3'").execute());
        assertThatThrownBy(() -> engine.pools.delete(UUID.fromString(pool.id())))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.POOL_DESKTOPS_RUNNING))
                .hasMessageContaining("office-3");
        assertThat(engine.pools.pool(UUID.fromString(pool.id())).status()).isEqualTo(io.vireo.model.VmPoolStatus.ACTIVE);
    }

    @Test
    void desktopsBootTheBootFilesOfTheirTemplate() {
        var files = engine.bootFiles(cluster, "initrd.img", "vmlinuz");
        Vm kernelTemplate = engine.vms.create(new Vm.Create("ktpl", cluster.id(), 1, 128, List.of(), files.get(1).id(),
                files.get(0).id(), "console=ttyS0", null, null, null));
        VmPool pool = engine.pools.create(new VmPool.Create("kpool", null, null, kernelTemplate.id(), "MANUAL", 1, 0, 1));
        UUID vmId = UUID.randomUUID();
        engine.jdbi.useTransaction(h -> engine.desktops.create(h, vmId, "kpool-1", kernelTemplate, UUID.fromString(pool.id()), 1,
                "kpool"));

        Vm desktop = engine.vms.vm(vmId);
        assertThat(desktop.kernelFileId()).isEqualTo(files.get(1).id());
        assertThat(desktop.initrdFileId()).isEqualTo(files.get(0).id());
        assertThat(desktop.cmdline()).isEqualTo("console=ttyS0");
    }
}
