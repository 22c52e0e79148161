package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.DiskCreateResult;
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

        DiskCreateResult first = images.ensureCreated(path, 64 * MIB, "qcow2");
        DiskCreateResult second = images.ensureCreated(path, 64 * MIB, "qcow2");

        assertThat(first.created()).isTrue();
        assertThat(first.path()).isEqualTo(path.toString());
        assertThat(first.actualSizeBytes()).isPositive().isLessThan(64 * MIB);
        assertThat(second.created()).isFalse();
        assertThat(images.info(path, "qcow2")).isEqualTo(new DiskImages.ImageInfo("qcow2", 64 * MIB, first.actualSizeBytes()));
        assertThat(directory).isDirectoryNotContaining("glob:**.creating");
    }

    @Test
    void makesAThinOverlayOnceAndAFreshOneOnRequest() throws IOException {
        Path base = directory.resolve("template.qcow2");
        images.ensureCreated(base, 64 * MIB, "qcow2");
        Path overlay = directory.resolve("desktop-1.qcow2");

        DiskCreateResult first = images.ensureOverlay(overlay, base, "qcow2", false);
        DiskImages.ImageInfo info = images.info(overlay, "qcow2");
        // Something written into the overlay (a file's worth of bytes past the header) ...
        long before = Files.size(overlay);
        try (var channel = java.nio.channels.FileChannel.open(overlay, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.allocate(4096), before + 65536);
        }
        DiskCreateResult again = images.ensureOverlay(overlay, base, "qcow2", false);
        long grown = Files.size(overlay);
        // ... is kept by a plain repeat and gone after a fresh one.
        DiskCreateResult fresh = images.ensureOverlay(overlay, base, "qcow2", true);

        assertThat(first.created()).isTrue();
        assertThat(info.format()).isEqualTo("qcow2");
        assertThat(info.virtualSizeBytes()).isEqualTo(64 * MIB);
        assertThat(info.backingFile()).isEqualTo(base.toString());
        assertThat(again.created()).isFalse();
        assertThat(grown).isGreaterThan(before);
        assertThat(fresh.created()).isTrue();
        assertThat(Files.size(overlay)).isEqualTo(before);
        assertThat(images.info(overlay, "qcow2").backingFile()).isEqualTo(base.toString());
        assertThat(directory).isDirectoryNotContaining("glob:**.creating");
    }

    @Test
    void refusesAnOverlayOverSomethingElse() {
        Path base = directory.resolve("template.qcow2");
        images.ensureCreated(base, 8 * MIB, "qcow2");
        Path standalone = directory.resolve("standalone.qcow2");
        images.ensureCreated(standalone, 8 * MIB, "qcow2");

        assertThatThrownBy(() -> images.ensureOverlay(standalone, base, "qcow2", true))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("not an overlay of " + base);
        assertThatThrownBy(() -> images.ensureOverlay(directory.resolve("x.qcow2"), directory.resolve("missing.qcow2"), "qcow2", false))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aRawImageWhoseGuestWroteAQcow2HeaderStaysRaw() throws Exception {
        // What a guest can do to its own raw disk: write a qcow2 header that names a file of the host as backing image.
        Path secret = directory.resolve("host-secret");
        Files.writeString(secret, "a file of the host");
        Path forged = directory.resolve("forged.qcow2");
        Process make = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", "-b", secret.toString(), "-F", "raw",
                forged.toString()).redirectErrorStream(true).start();
        assertThat(make.waitFor()).isZero();
        Path base = directory.resolve("template.raw");
        images.ensureCreated(base, 8 * MIB, "raw");
        byte[] header = Files.readAllBytes(forged);
        try (var channel = java.nio.channels.FileChannel.open(base, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(header), 0);
        }
        Path overlay = directory.resolve("desktop-1.qcow2");

        images.ensureOverlay(overlay, base, "raw", false);

        assertThat(images.info(base, "raw").backingFile()).isNull();
        DiskImages.ImageInfo info = images.info(overlay, "qcow2");
        assertThat(info.backingFile()).isEqualTo(base.toString());
        assertThat(info.backingFormat()).isEqualTo("raw");
        // a repeat finds the overlay as made, in the recorded format
        assertThat(images.ensureOverlay(overlay, base, "raw", false).created()).isFalse();
        assertThatThrownBy(() -> images.ensureOverlay(overlay, base, "qcow2", false))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("not an overlay of " + base);
    }

    @Test
    void createsARawImage() {
        Path path = directory.resolve("data.raw");

        assertThat(images.ensureCreated(path, 8 * MIB, "raw").created()).isTrue();

        assertThat(images.info(path, "raw").format()).isEqualTo("raw");
        assertThat(path).hasSize(8 * MIB);
    }

    @Test
    void roundsUpToWholeSectorsAsQemuImgDoes() {
        Path path = directory.resolve("odd.qcow2");

        images.ensureCreated(path, 1000, "qcow2");

        assertThat(images.info(path, "qcow2").virtualSizeBytes()).isEqualTo(1024);
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
                .hasMessageContaining("read as raw");
        assertThat(images.info(path, "qcow2").virtualSizeBytes()).isEqualTo(64 * MIB);
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
