package io.vireo.agent.hypervisor;

import com.sun.nio.file.ExtendedOpenOption;
import io.vireo.model.rpc.DiskAttachment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The libvirt cache mode for a disk image. "none" (O_DIRECT, no host page cache) is what a VM host
 * wants: the guest has its own cache, a host crash loses nothing the guest believed written, and
 * libvirt only calls a live migration safe with it. Some filesystems refuse O_DIRECT (tmpfs before
 * Linux 6.6, some FUSE and 9p mounts) and QEMU would then fail to start with an obscure error, so
 * the agent tries O_DIRECT on the image first and falls back to the host page cache.
 */
final class DiskCacheModes {
    private DiskCacheModes() {
    }

    static String cacheModeFor(DiskAttachment disk) {
        return supportsDirectIo(Path.of(disk.path())) ? "none" : "writeback";
    }

    static boolean supportsDirectIo(Path path) {
        try (FileChannel ignored = FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            return true;
        }
        catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
