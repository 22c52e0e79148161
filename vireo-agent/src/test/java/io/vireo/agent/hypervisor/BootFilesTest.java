package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.BootFileLocation;
import io.vireo.model.rpc.BootFilesResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootFilesTest {
    @TempDir
    Path domain;
    Path bootFiles;
    /** A secret outside the boot-files directory, standing for /etc/shadow or the engine's CA key. */
    Path secret;

    @BeforeEach
    void makeDomain() throws IOException {
        bootFiles = Files.createDirectory(domain.resolve("boot-files"));
        Files.writeString(bootFiles.resolve("vmlinuz"), "kernel");
        secret = Files.writeString(domain.resolve("secret.key"), "PRIVATE KEY");
    }

    private BootFileLocation at(String name) {
        return new BootFileLocation(domain.toString(), name);
    }

    @Test
    void resolvesARegularFileRightInTheDirectory() throws IOException {
        assertThat(BootFiles.resolve("kernel", at("vmlinuz"))).isEqualTo(bootFiles.resolve("vmlinuz").toRealPath());
    }

    @Test
    void refusesANameWithASeparatorOrDots() {
        for (String name : List.of("../secret.key", "sub/vmlinuz", "/etc/shadow", "..", ".", ".hidden", "", "a\nb", "x".repeat(256))) {
            assertThatThrownBy(() -> BootFiles.resolve("initrd", at(name))).as(name)
                    .isInstanceOf(HypervisorException.class).hasMessageContaining("initrd boot file")
                    .hasMessageContaining("not a plain file name");
        }
    }

    @Test
    void refusesASymbolicLinkEvenToAFileInTheDirectory() throws IOException {
        Files.createSymbolicLink(bootFiles.resolve("shadow"), Path.of("/etc/shadow"));
        Files.createSymbolicLink(bootFiles.resolve("key"), secret);
        Files.createSymbolicLink(bootFiles.resolve("alias"), bootFiles.resolve("vmlinuz"));

        for (String name : List.of("shadow", "key", "alias")) {
            assertThatThrownBy(() -> BootFiles.resolve("initrd", at(name))).as(name)
                    .isInstanceOf(HypervisorException.class).hasMessageContaining("symbolic link");
        }
    }

    @Test
    void refusesWhatIsNotARegularFile() throws IOException {
        Files.createDirectory(bootFiles.resolve("dir"));

        assertThatThrownBy(() -> BootFiles.resolve("kernel", at("dir"))).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> BootFiles.resolve("kernel", at("absent"))).hasMessageContaining("no such file");
    }

    @Test
    void aLinkedBootFilesDirectoryIsFollowedButALinkInsideItIsNot() throws IOException {
        // an administrator may make boot-files a link to a directory elsewhere; a link inside it stays refused
        Path elsewhere = Files.createDirectories(domain.resolve("elsewhere/deeper"));
        Files.writeString(elsewhere.resolve("vmlinuz"), "kernel");
        Path other = Files.createDirectory(domain.resolve("other"));
        Files.createSymbolicLink(other.resolve("boot-files"), elsewhere);
        Files.createSymbolicLink(elsewhere.resolve("hard"), secret);

        // through a linked directory whose real path is consistent: the file is right inside the real directory
        assertThat(BootFiles.resolve("kernel", new BootFileLocation(other.toString(), "vmlinuz")))
                .isEqualTo(elsewhere.resolve("vmlinuz").toRealPath());
        assertThatThrownBy(() -> BootFiles.resolve("kernel", new BootFileLocation(other.toString(), "hard")))
                .hasMessageContaining("symbolic link");
    }

    @Test
    void refusesARelativeDomainPath() {
        assertThatThrownBy(() -> BootFiles.resolve("kernel", new BootFileLocation("relative/domain", "vmlinuz")))
                .hasMessageContaining("not absolute");
    }

    @Test
    void listsOnlyRegularFilesWithValidNames() throws IOException {
        Files.writeString(bootFiles.resolve("initrd.img"), "initrd!");
        Files.writeString(bootFiles.resolve(".hidden"), "x");
        Files.writeString(bootFiles.resolve("has space"), "x");
        Files.createDirectory(bootFiles.resolve("subdir"));
        Files.createSymbolicLink(bootFiles.resolve("shadow"), Path.of("/etc/shadow"));

        BootFilesResult result = BootFiles.list(domain);

        assertThat(result.files()).containsExactly(new BootFilesResult.Entry("initrd.img", 7), new BootFilesResult.Entry("vmlinuz", 6));
        assertThat(result.skipped()).isEqualTo(4);
    }

    @Test
    void aDomainWithoutTheDirectoryHasNoBootFilesButAMissingDomainIsAnError() throws IOException {
        Path bare = Files.createDirectory(domain.resolve("bare"));
        assertThat(BootFiles.list(bare).files()).isEmpty();
        assertThatThrownBy(() -> BootFiles.list(domain.resolve("unmounted"))).isInstanceOf(HypervisorException.class)
                .hasMessageContaining("does not exist");
    }
}
