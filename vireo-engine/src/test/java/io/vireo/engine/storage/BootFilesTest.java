package io.vireo.engine.storage;

import io.vireo.engine.EngineFixture;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Visibility;
import io.vireo.model.BootFile;
import io.vireo.model.Cluster;
import io.vireo.model.ErrorCode;
import io.vireo.model.StorageDomain;
import io.vireo.model.Vm;
import io.vireo.model.rpc.BootFilesResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Boot files on a real PostgreSQL: what a scan's listing makes of the rows, and who sees them. */
class BootFilesTest {
    private final EngineFixture engine = new EngineFixture();
    private final Cluster cluster = engine.cluster("c1");
    private final StorageDomain domain = engine.bootDomain(cluster);
    private final UUID domainId = UUID.fromString(domain.id());

    @AfterEach
    void close() {
        engine.close();
    }

    private BootFile.ScanResult scan(int skipped, String... names) {
        List<BootFilesResult.Entry> entries = java.util.Arrays.stream(names).map(name -> new BootFilesResult.Entry(name, name.length()))
                .toList();
        return engine.storage.syncBootFiles(domainId, UUID.randomUUID(), "h1", new BootFilesResult(entries, skipped));
    }

    @Test
    void aScanAddsNewFilesKeepsFoundOnesAndRemovesVanishedOnes() {
        BootFile.ScanResult first = scan(0, "vmlinuz", "initrd.img");
        assertThat(first.added()).isEqualTo(2);
        String kernelId = first.files().stream().filter(f -> f.name().equals("vmlinuz")).findFirst().orElseThrow().id();

        BootFile.ScanResult second = scan(1, "vmlinuz", "vmlinuz-6.1");

        assertThat(second.added()).isEqualTo(1);
        assertThat(second.removed()).isEqualTo(1);
        assertThat(second.skipped()).isEqualTo(1);
        assertThat(second.files()).extracting(BootFile::name).containsExactly("vmlinuz", "vmlinuz-6.1");
        // a file found again keeps its id, so the VMs that boot it keep booting it
        assertThat(second.files().getFirst().id()).isEqualTo(kernelId);
        assertThat(engine.count("events WHERE code = 'BOOT_FILES_SCANNED'")).isEqualTo(2);
    }

    @Test
    void aVanishedFileThatAVmBootsIsKeptAsMissingUntilFoundAgain() {
        String kernelId = scan(0, "vmlinuz").files().getFirst().id();
        engine.vms.create(new Vm.Create("k1", cluster.id(), 1, 128, List.of(), kernelId, null, "console=ttyS0", null, null, null));

        BootFile.ScanResult gone = scan(0);

        assertThat(gone.removed()).isZero();
        assertThat(gone.markedMissing()).isEqualTo(1);
        assertThat(gone.files()).singleElement().satisfies(file -> {
            assertThat(file.id()).isEqualTo(kernelId);
            assertThat(file.missing()).isTrue();
        });
        // a new VM may not take a missing file
        assertThatThrownBy(() -> engine.vms.create(new Vm.Create("k2", cluster.id(), 1, 128, List.of(), kernelId, null, null, null,
                null, null))).isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
                    assertThat(e.details()).containsEntry("field", "kernelFileId");
                }).hasMessageContaining("not found in storage domain");

        assertThat(scan(0, "vmlinuz").files()).singleElement().satisfies(file -> assertThat(file.missing()).isFalse());
    }

    @Test
    void namesTheEngineWouldNotAcceptAreSkippedWhateverTheAgentSent() {
        BootFile.ScanResult result = scan(0, "../../etc/shadow", ".hidden", "a/b", "ok-1.0+x_y");

        assertThat(result.files()).extracting(BootFile::name).containsExactly("ok-1.0+x_y");
        assertThat(result.skipped()).isEqualTo(3);
    }

    @Test
    void theListShowsTheBootFilesOfTheDataCentersWhereTheCallerMayCreateVms() {
        scan(0, "vmlinuz");
        Cluster other = engine.cluster("c2");
        engine.bootFiles(other, "other-kernel");
        Visibility onlyC1 = Visibility.granted("SELECT CAST(:granted AS uuid)", Map.of("granted", cluster.id()));

        assertThat(engine.storage.bootFiles(engine.dataCenters.dataCentersOfClusters(onlyC1), Optional.empty(), new Paging(100, 1)))
                .extracting(BootFile::name).containsExactly("vmlinuz");
        assertThat(engine.storage.bootFiles(engine.dataCenters.dataCentersOfClusters(Visibility.NONE), Optional.empty(),
                new Paging(100, 1))).isEmpty();
        assertThat(engine.storage.bootFiles(Visibility.ALL, Optional.of("storage=" + domain.id()), new Paging(100, 1)))
                .extracting(BootFile::name).containsExactly("vmlinuz");
        assertThat(engine.storage.bootFiles(Visibility.ALL, Optional.of("name=other*"), new Paging(100, 1)))
                .extracting(BootFile::name).containsExactly("other-kernel");
    }

    @Test
    void aDomainWhoseBootFileAVmBootsIsNotRemovedButOneWithUnusedBootFilesIs() {
        String kernelId = scan(0, "vmlinuz").files().getFirst().id();
        Vm vm = engine.vms.create(new Vm.Create("k1", cluster.id(), 1, 128, List.of(), kernelId, null, null, null, null, null));

        assertThatThrownBy(() -> engine.storage.deleteDomain(domainId))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENTITY_IN_USE));
        assertThat(engine.count("boot_files")).isEqualTo(1);

        engine.vms.delete(UUID.fromString(vm.id()), false);
        engine.storage.deleteDomain(domainId);
        assertThat(engine.count("boot_files")).isZero();
    }
}
