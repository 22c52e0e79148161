package io.vireo.agent.hypervisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.rpc.DiskCreateResult;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Disk image files on the host, made and inspected with qemu-img. Both operations are idempotent,
 * as agent commands must be: a retry after a timeout finds the work done and says so.
 */
public final class DiskImages {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    private static final Set<String> FORMATS = Set.of("qcow2", "raw");
    private static final long SECTOR = 512;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration timeout;

    public DiskImages() {
        this(DEFAULT_TIMEOUT);
    }

    public DiskImages(Duration timeout) {
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /**
     * What qemu-img says about an image: its format, the size the guest sees, the space it takes,
     * and the image it is a thin overlay of (null when it stands alone).
     */
    public record ImageInfo(String format, long virtualSizeBytes, long actualSizeBytes, String backingFile, String backingFormat) {
        public ImageInfo(String format, long virtualSizeBytes, long actualSizeBytes) {
            this(format, virtualSizeBytes, actualSizeBytes, null, null);
        }
    }

    /**
     * Creates the image unless it exists. An existing image of the same format and virtual size
     * counts as done; one that differs is an error, never overwritten. The size is rounded up to
     * whole 512-byte sectors, as qemu-img does. The image is made under a temporary name and only
     * then given its real one, so that a failure leaves no half-made image under the real name.
     */
    public DiskCreateResult ensureCreated(Path path, long sizeBytes, String format) {
        requireValidPath(path);
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("disk size must be positive: " + sizeBytes);
        }
        requireFormat(format);
        long virtualSize = (sizeBytes + SECTOR - 1) / SECTOR * SECTOR;
        if (Files.exists(path)) {
            ImageInfo existing = info(path, format);
            if (existing.virtualSizeBytes() != virtualSize) {
                throw new HypervisorException("disk image " + path + " exists, and read as " + format + " it holds "
                        + existing.virtualSizeBytes() + " bytes, not " + virtualSize, null);
            }
            return new DiskCreateResult(path.toString(), existing.actualSizeBytes(), false);
        }
        if (!Files.isDirectory(path.getParent())) {
            throw new HypervisorException("the directory of disk image " + path + " does not exist", null);
        }
        Path temporary = path.resolveSibling("." + path.getFileName() + "." + UUID.randomUUID() + ".creating");
        boolean created;
        try {
            qemuImg(List.of("create", "-q", "-f", format, temporary.toString(), Long.toString(virtualSize)), "create " + path);
            created = linkIntoPlace(temporary, path);
        }
        finally {
            deleteQuietly(temporary);
        }
        if (!created) {
            // A concurrent attempt finished first; it is done if it made the same image.
            return ensureCreated(path, sizeBytes, format);
        }
        return new DiskCreateResult(path.toString(), info(path, format).actualSizeBytes(), true);
    }

    /**
     * Creates a thin qcow2 overlay whose reads fall through to the backing image (a desktop's disk
     * over its template's), unless it exists. An existing overlay of the same backing image counts
     * as done; any other file there is an error. With {@code fresh} an existing overlay is replaced
     * by an empty one: the desktop forgets everything written since (a stateless desktop's reset).
     * The backing image is read in the format given (the one recorded when it was made), never in
     * one qemu-img guesses from its content, which its guest wrote.
     */
    public DiskCreateResult ensureOverlay(Path path, Path backing, String backingFormat, boolean fresh) {
        requireValidPath(path);
        requireValidPath(backing);
        requireFormat(backingFormat);
        if (!Files.isRegularFile(backing)) {
            throw new HypervisorException("the backing image " + backing + " does not exist", null);
        }
        if (Files.exists(path)) {
            ImageInfo existing = info(path, "qcow2");
            if (!backing.toString().equals(existing.backingFile()) || !backingFormat.equals(existing.backingFormat())) {
                throw new HypervisorException("disk image " + path + " exists but is not an overlay of " + backing, null);
            }
            if (!fresh) {
                return new DiskCreateResult(path.toString(), existing.actualSizeBytes(), false);
            }
        }
        if (!Files.isDirectory(path.getParent())) {
            throw new HypervisorException("the directory of disk image " + path + " does not exist", null);
        }
        Path temporary = path.resolveSibling("." + path.getFileName() + "." + UUID.randomUUID() + ".creating");
        try {
            qemuImg(List.of("create", "-q", "-f", "qcow2", "-b", backing.toString(), "-F", backingFormat,
                    temporary.toString()), "create an overlay " + path + " of " + backing);
            // A rename replaces the old overlay in one step: the path is never missing nor half-made.
            Files.move(temporary, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        catch (IOException e) {
            throw new HypervisorException("cannot put overlay " + temporary + " in place as " + path + ": " + e.getMessage(), e);
        }
        finally {
            deleteQuietly(temporary);
        }
        return new DiskCreateResult(path.toString(), info(path, "qcow2").actualSizeBytes(), true);
    }

    /** Deletes the image if it exists; answers whether it did. */
    public boolean ensureDeleted(Path path) {
        requireValidPath(path);
        try {
            return Files.deleteIfExists(path);
        }
        catch (IOException e) {
            throw new HypervisorException("cannot delete disk image " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * What qemu-img reads in the image taken as the given format. The format is always given: probed,
     * a raw image whose guest wrote a qcow2 header would pass for an overlay of any file on the host.
     */
    public ImageInfo info(Path path, String format) {
        requireValidPath(path);
        requireFormat(format);
        // --force-share: the image of a running VM is locked by its QEMU, and reading its header is harmless.
        String json = qemuImg(List.of("info", "-f", format, "--force-share", "--output=json", path.toString()), "inspect " + path);
        try {
            JsonNode node = JSON.readTree(json);
            return new ImageInfo(node.path("format").asText(), node.path("virtual-size").asLong(-1), node.path("actual-size").asLong(-1),
                    node.hasNonNull("full-backing-filename") ? node.get("full-backing-filename").asText()
                            : node.hasNonNull("backing-filename") ? node.get("backing-filename").asText() : null,
                    node.hasNonNull("backing-filename-format") ? node.get("backing-filename-format").asText() : null);
        }
        catch (IOException e) {
            throw new HypervisorException("qemu-img info gave unreadable output for " + path + ": " + e.getMessage(), e);
        }
    }

    static void requireFormat(String format) {
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("disk format must be qcow2 or raw, not " + format);
        }
    }

    /** Absolute and normalized: a path with ".." could point the agent anywhere on the host. */
    static void requireValidPath(Path path) {
        requireNonNull(path, "path");
        if (!path.isAbsolute() || !path.normalize().equals(path) || path.getFileName() == null) {
            throw new IllegalArgumentException("a disk image path must be absolute and normalized: " + path);
        }
        for (Path part : path) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                throw new IllegalArgumentException("a disk image path must be absolute and normalized: " + path);
            }
        }
    }

    private String qemuImg(List<String> arguments, String what) {
        List<String> command = new ArrayList<>(arguments.size() + 1);
        command.add("qemu-img");
        command.addAll(arguments);
        ProcessRunner.Result result = ProcessRunner.run(command, timeout);
        if (!result.succeeded()) {
            throw new HypervisorException("qemu-img could not " + what + ": " + result.failure(), null);
        }
        return result.stdout();
    }

    /**
     * A hard link, not a rename: rename replaces silently, and the image that appeared meanwhile
     * could be another attempt's, already attached to a running VM. Answers false when one did.
     */
    private static boolean linkIntoPlace(Path temporary, Path path) {
        try {
            Files.createLink(path, temporary);
            return true;
        }
        catch (FileAlreadyExistsException e) {
            return false;
        }
        catch (IOException | UnsupportedOperationException e) {
            throw new HypervisorException("cannot put disk image " + temporary + " in place as " + path + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        }
        catch (IOException ignored) {
            // Only a leftover temporary file with a dot name; the next attempt overwrites it.
        }
    }
}
