package io.vireo.agent.hypervisor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against the real qemu-img. */
class DiskImagesTest {
    private static final long MIB = 1024 * 1024;

    private final DiskImages images = new DiskImages(Duration.ofSeconds(30));

    @TempDir
    Path directory;

    @Test
    void createsAQcow2ImageOnce() {
        Path path = directory.resolve("system.qcow2");

        DiskImages.EnsureCreatedResult first = images.ensureCreated(path, 64 * MIB, "qcow2");
        DiskImages.EnsureCreatedResult second = images.ensureCreated(path, 64 * MIB, "qcow2");

        assertThat(first.created()).isTrue();
        assertThat(first.path()).isEqualTo(path.toString());
        assertThat(first.actualSizeBytes()).isPositive().isLessThan(64 * MIB);
        assertThat(second.created()).isFalse();
        assertThat(images.info(path)).isEqualTo(new DiskImages.ImageInfo("qcow2", 64 * MIB, first.actualSizeBytes()));
        assertThat(directory).isDirectoryNotContaining("glob:**.creating");
    }

    @Test
    void createsARawImage() {
        Path path = directory.resolve("data.raw");

        assertThat(images.ensureCreated(path, 8 * MIB, "raw").created()).isTrue();

        assertThat(images.info(path).format()).isEqualTo("raw");
        assertThat(path).hasSize(8 * MIB);
    }

    @Test
    void roundsUpToWholeSectorsAsQemuImgDoes() {
        Path path = directory.resolve("odd.qcow2");

        images.ensureCreated(path, 1000, "qcow2");

        assertThat(images.info(path).virtualSizeBytes()).isEqualTo(1024);
        assertThat(images.ensureCreated(path, 1000, "qcow2").created()).isFalse();
    }

    @Test
    void refusesAnExistingImageOfAnotherSizeOrFormat() {
        Path path = directory.resolve("system.qcow2");
        images.ensureCreated(path, 64 * MIB, "qcow2");

        assertThatThrownBy(() -> images.ensureCreated(path, 128 * MIB, "qcow2"))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("67108864");
        assertThatThrownBy(() -> images.ensureCreated(path, 64 * MIB, "raw"))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining("qcow2");
        assertThat(images.info(path).virtualSizeBytes()).isEqualTo(64 * MIB);
    }

    @Test
    void refusesAFileThatIsNoImageOfThatFormat() throws IOException {
        Path path = directory.resolve("notes.qcow2");
        Files.writeString(path, "not an image");

        assertThatThrownBy(() -> images.ensureCreated(path, 64 * MIB, "qcow2")).isInstanceOf(HypervisorException.class);
        assertThat(path).hasContent("not an image");
    }

    @Test
    void deletesOnce() {
        Path path = directory.resolve("gone.qcow2");
        images.ensureCreated(path, MIB, "qcow2");

        assertThat(images.ensureDeleted(path)).isTrue();
        assertThat(images.ensureDeleted(path)).isFalse();
        assertThat(path).doesNotExist();
    }

    @Test
    void refusesPathsThatCouldPointAnywhere() {
        assertThatThrownBy(() -> images.ensureCreated(Path.of("relative.qcow2"), MIB, "qcow2"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> images.ensureCreated(directory.resolve("../escape.qcow2"), MIB, "qcow2"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> images.ensureDeleted(Path.of("/var/lib/vireo/./x.qcow2")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> images.ensureDeleted(Path.of("/")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesBadSizesAndFormats() {
        Path path = directory.resolve("x.img");

        assertThatThrownBy(() -> images.ensureCreated(path, 0, "qcow2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> images.ensureCreated(path, MIB, "vmdk")).isInstanceOf(IllegalArgumentException.class);
        assertThat(path).doesNotExist();
    }

    @Test
    void needsTheDirectoryToExist() {
        Path path = directory.resolve("missing/x.qcow2");

        assertThatThrownBy(() -> images.ensureCreated(path, MIB, "qcow2"))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining("directory");
    }
}
