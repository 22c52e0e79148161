package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.ConsoleLogResult;
import java.util.UUID;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import static java.util.Objects.requireNonNull;

/** The serial console log files of the VMs, one per VM, fresh at every boot. */
final class ConsoleLogs {
    static final int MAX_CHUNK_BYTES = 64 * 1024;

    private final Path directory;

    ConsoleLogs(Path directory) {
        this.directory = requireNonNull(directory, "directory");
    }

    Path pathFor(UUID vmId) {
        requireNonNull(vmId, "vmId");
        return directory.resolve(vmId + ".log");
    }

    /** Empties the VM's log before a fresh start, creating the directory when needed. */
    Path prepareFreshBoot(UUID vmId) {
        Path path = pathFor(vmId);
        ensureDirectory();
        try {
            Files.write(path, new byte[0], StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            return path;
        }
        catch (IOException e) {
            throw new HypervisorException("cannot prepare the console log " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the directory unless it exists. A VM that arrives by live migration keeps its log's
     * path, and the destination's libvirtd opens that file before any VM was started there.
     */
    void ensureDirectory() {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            // QEMU runs as its own user and must reach the file; the log holds nothing secret the VNC screen does not.
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        catch (IOException e) {
            throw new HypervisorException("cannot create the console log directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads up to {@link #MAX_CHUNK_BYTES} from the offset. An offset past the end means the log was
     * started afresh by a new boot since the reader's last call, so reading starts over at 0. A chunk
     * never ends inside a UTF-8 sequence: the partial bytes are left for the next call.
     */
    ConsoleLogResult read(UUID vmId, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        Path path = pathFor(vmId);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long start = offset > channel.size() ? 0 : offset;
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(MAX_CHUNK_BYTES, channel.size() - start));
            while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) > 0) {
                // keep reading until the chunk is full or the file ends
            }
            int length = completeUtf8Length(buffer.array(), buffer.position());
            return new ConsoleLogResult(new String(buffer.array(), 0, length, StandardCharsets.UTF_8), start + length);
        }
        catch (NoSuchFileException e) {
            return new ConsoleLogResult("", 0);
        }
        catch (IOException e) {
            throw new HypervisorException("cannot read the console log " + path + ": " + e.getMessage(), e);
        }
    }

    /** The length of the longest prefix that does not end inside a multi-byte UTF-8 sequence. */
    static int completeUtf8Length(byte[] bytes, int length) {
        for (int back = 1; back <= Math.min(3, length); back++) {
            int b = bytes[length - back] & 0xff;
            if ((b & 0xc0) == 0x80) {
                continue; // a continuation byte: look further back for the lead byte
            }
            int needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            return needed > back ? length - back : length;
        }
        return length;
    }
}
