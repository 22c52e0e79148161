package io.vireo.engine.vms;

import io.vireo.engine.EngineFixture;
import io.vireo.engine.common.Paging;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.store.Visibility;
import io.vireo.model.BootFile;
import io.vireo.model.Cluster;
import io.vireo.model.rpc.BootFileLocation;
import io.vireo.model.Disk;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.StorageDomain;
import io.vireo.model.Vm;
import io.vireo.model.VmPool;
import io.vireo.model.VmStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules of VmService on a real PostgreSQL: what it records, what it refuses, and that a refusal leaves nothing behind. */
class VmServiceTest {
    private final EngineFixture engine = new EngineFixture();
    private final Cluster cluster = engine.cluster("c1");
    private final StorageDomain domain = engine.storageDomain(cluster, "sd1");

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aVmIsCreatedDownWithItsDisksAttachedInOrder() {
        Disk boot = engine.readyDisk(domain, "boot");
        Disk data = engine.readyDisk(domain, "data");
        Vm vm = engine.vm(cluster, "web1", boot, data);
        assertThat(vm.status()).isEqualTo(VmStatus.DOWN);
        assertThat(vm.desiredState()).isEqualTo("DOWN");
        assertThat(vm.diskIds()).containsExactly(boot.id(), data.id());
        assertThat(engine.storage.disk(UUID.fromString(data.id())).bootOrder()).isEqualTo(2);
        assertThat(engine.storage.disk(UUID.fromString(boot.id())).vmId()).isEqualTo(vm.id());
    }

    @Test
    void aTakenNameIsRefusedAndItsDisksStayFree() {
        engine.vm(cluster, "web1", engine.readyDisk(domain, "boot1"));
        Disk second = engine.readyDisk(domain, "boot2");
        assertThatThrownBy(() -> engine.vm(cluster, "web1", second))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_NAME))
                .hasMessage("A VM named web1 exists already");
        assertThat(engine.count("vms")).isEqualTo(1);
        assertThat(engine.storage.disk(UUID.fromString(second.id())).vmId()).isNull();
    }

    @Test
    void aDiskOfAnotherVmOrNotReadyIsRefusedAndNoVmIsLeft() {
        Disk used = engine.readyDisk(domain, "used");
        engine.vm(cluster, "owner", used);
        assertThatThrownBy(() -> engine.vm(cluster, "thief", used))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DISK_IN_USE));
        Disk locked = engine.storage.createDisk(new Disk.Create("locked", domain.id(), 1L << 30, null)).disk();
        assertThatThrownBy(() -> engine.vm(cluster, "early", locked))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DISK_NOT_READY));
        assertThat(engine.vms.list(Visibility.ALL, Optional.empty(), new Paging(100, 1))).extracting(Vm::name)
                .containsExactly("owner");
    }

    @Test
    void startNeedsAnUpHostAndOneJobAtATime() {
        Vm vm = engine.vm(cluster, "web1", engine.readyDisk(domain, "boot"));
        UUID id = UUID.fromString(vm.id());
        assertThatThrownBy(() -> engine.vms.action(id, StartVmJob.request(null)))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_HOST_AVAILABLE));
        assertThat(engine.vms.vm(id).desiredState()).isEqualTo("DOWN");

        engine.upHost(cluster, "h1");
        UUID job = engine.vms.action(id, StartVmJob.request(null));
        assertThat(engine.jobs.job(job).kind()).isEqualTo("START_VM");
        assertThat(engine.vms.vm(id).desiredState()).isEqualTo("UP");
        assertThatThrownBy(() -> engine.vms.action(id, StopVmJob.request()))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VM_BUSY));
        assertThatThrownBy(() -> engine.vms.action(id, StartVmJob.request(null)))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VM_BUSY));
    }

    @Test
    void aHostOfAnotherClusterIsRefusedForStart() {
        Host elsewhere = engine.upHost(engine.cluster("c2"), "h2");
        engine.upHost(cluster, "h1");
        UUID id = UUID.fromString(engine.vm(cluster, "web1", engine.readyDisk(domain, "boot")).id());
        assertThatThrownBy(() -> engine.vms.action(id, StartVmJob.request(UUID.fromString(elsewhere.id()))))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD))
                .hasMessageContaining("not in the VM's cluster");
    }

    @Test
    void removingAVmDetachesOrRemovesItsDisks() {
        Disk kept = engine.readyDisk(domain, "kept");
        UUID first = UUID.fromString(engine.vm(cluster, "first", kept).id());
        assertThat(engine.vms.delete(first, false).diskJobIds()).isEmpty();
        assertThat(engine.storage.disk(UUID.fromString(kept.id())).vmId()).isNull();

        Disk removed = engine.readyDisk(domain, "removed");
        UUID second = UUID.fromString(engine.vm(cluster, "second", removed).id());
        List<UUID> jobs = engine.vms.delete(second, true).diskJobIds();
        assertThat(jobs).hasSize(1);
        assertThat(engine.jobs.job(jobs.getFirst()).kind()).isEqualTo("DELETE_DISK");
        assertThat(engine.storage.disk(UUID.fromString(removed.id())).status()).isEqualTo(io.vireo.model.DiskStatus.LOCKED);
        assertThat(engine.vms.find(second)).isEmpty();
    }

    @Test
    void aPoolTemplateCanNeitherStartNorBeRemoved() {
        engine.upHost(cluster, "h1");
        Vm template = engine.vm(cluster, "tpl", engine.readyDisk(domain, "base"));
        engine.pools.create(new VmPool.Create("office", null, null, template.id(), "AUTOMATIC", 0, 0, 1));
        UUID id = UUID.fromString(template.id());
        assertThatThrownBy(() -> engine.vms.action(id, StartVmJob.request(null)))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VM_IS_POOL_TEMPLATE));
        assertThatThrownBy(() -> engine.vms.delete(id, false))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VM_IS_POOL_TEMPLATE))
                .hasMessageContaining("pool office");
        assertThat(engine.vms.find(id)).isPresent();
    }

    @Test
    void listsFilterByVisibilitySearchAndPage() {
        for (int i = 1; i <= 5; i++) {
            engine.vm(cluster, "web" + i);
        }
        engine.vm(cluster, "db1");
        assertThat(engine.vms.list(Visibility.ALL, Optional.of("name=web*"), new Paging(2, 2))).extracting(Vm::name)
                .containsExactly("web3", "web4");
        UUID db = UUID.fromString(engine.vms.list(Visibility.ALL, Optional.of("name=db1"), new Paging(10, 1)).getFirst().id());
        Visibility onlyDb = Visibility.granted("SELECT CAST(:granted AS uuid)", Map.of("granted", db.toString()));
        assertThat(engine.vms.list(onlyDb, Optional.empty(), new Paging(100, 1))).extracting(Vm::name).containsExactly("db1");
        assertThat(engine.vms.list(Visibility.NONE, Optional.empty(), new Paging(100, 1))).isEmpty();
        assertThatThrownBy(() -> engine.vms.list(Visibility.ALL, Optional.of("colour=red"), new Paging(10, 1)))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SEARCH));
    }

    @Test
    void aHostThatAVmPrefersIsNotRemovedUntilTheVmIsGone() {
        Host host = engine.upHost(cluster, "h1");
        UUID hostId = UUID.fromString(host.id());
        Vm vm = engine.vms.create(new Vm.Create("web1", cluster.id(), 1, 128, List.of(), engine.kernel(cluster).id(), null, null, null,
                null, host.id()));
        engine.jdbi.useHandle(h -> h.createUpdate("UPDATE hosts SET status = 'NON_RESPONSIVE' WHERE id = :id")
                .bind("id", hostId).execute());
        assertThatThrownBy(() -> engine.hosts.delete(hostId))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENTITY_IN_USE))
                .hasMessageContaining("Host h1 still has VMs");
        assertThat(engine.hosts.find(hostId)).isPresent();
        engine.vms.delete(UUID.fromString(vm.id()), false);
        engine.hosts.delete(hostId);
        assertThat(engine.hosts.find(hostId)).isEmpty();
    }

    @Test
    void aVmBootsBootFilesOfItsDataCenterByIdAndNeverAHostPath() {
        List<BootFile> files = engine.bootFiles(cluster, "vmlinuz", "initrd.img");
        String kernel = files.stream().filter(f -> f.name().equals("vmlinuz")).findFirst().orElseThrow().id();
        String initrd = files.stream().filter(f -> f.name().equals("initrd.img")).findFirst().orElseThrow().id();
        String elsewhere = engine.bootFiles(engine.cluster("c2"), "vmlinuz").getFirst().id();

        refused("/var/lib/vireo/pki/ca.key", null, null, "kernelFileId", "never by a host path");
        refused(kernel, "/etc/shadow", null, "initrdFileId", "never by a host path");
        refused("vmlinuz", null, null, "kernelFileId", "not a valid id");
        refused(UUID.randomUUID().toString(), null, null, "kernelFileId", "no boot file with id");
        refused(elsewhere, null, null, "kernelFileId", "another data center");
        refused(kernel, elsewhere, null, "initrdFileId", "another data center");
        refused(null, initrd, null, "kernelFileId", "needs a kernel");
        refused(null, null, "console=ttyS0", "kernelFileId", "needs a kernel");
        assertThat(engine.count("vms")).isZero();

        Vm vm = engine.vms.create(new Vm.Create("k1", cluster.id(), 1, 128, List.of(), kernel, initrd, "console=ttyS0", null, null, null));
        assertThat(vm.kernelFileId()).isEqualTo(kernel);
        assertThat(vm.initrdFileId()).isEqualTo(initrd);
        // what the agent gets: the domain's path and the file's name, never a path of anyone's choosing
        var spec = new VmSpecs(engine.jdbi, engine.storage, engine.networks, io.vireo.engine.vms.HostWiring.NONE).specOf(vm);
        String domainPath = engine.bootDomain(cluster).path();
        assertThat(spec.kernelBoot().kernel()).isEqualTo(new BootFileLocation(domainPath, "vmlinuz"));
        assertThat(spec.kernelBoot().initrd()).isEqualTo(new BootFileLocation(domainPath, "initrd.img"));
        assertThat(spec.kernelBoot().cmdline()).isEqualTo("console=ttyS0");
    }

    private void refused(String kernel, String initrd, String cmdline, String field, String message) {
        assertThatThrownBy(() -> engine.vms.create(new Vm.Create("k1", cluster.id(), 1, 128, List.of(), kernel, initrd, cmdline, null,
                null, null))).as(kernel + " " + initrd).isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
                    assertThat(e.details()).containsEntry("field", field);
                }).hasMessageContaining(message);
    }
}
