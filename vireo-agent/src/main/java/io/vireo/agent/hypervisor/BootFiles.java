package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.BootFileLocation;
import io.vireo.model.rpc.BootFilesResult;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The boot files of a file storage domain: the regular files right inside
 * {@code <domain path>/boot-files/}. A VM boots a kernel or initrd only from there; whatever the
 * engine sends, the agent resolves the file itself and refuses a name with a separator or a leading
 * dot, a symbolic link, anything that is not a regular file, and anything whose real path is not
 * directly inside the directory's real path, before the domain is defined. So no one who may create
 * VMs can have the host read another file (a key, /etc/shadow) into a guest.
 */
public final class BootFiles {
    private BootFiles() {
    }

    /** The real path of the boot file, checked; a HypervisorException saying why when it may not be booted. */
    public static Path resolve(String role, BootFileLocation location) {
        String name = location.name();
        if (!BootFileLocation.isValidName(name)) {
            throw refused(role, location, "its name is not a plain file name (no '/', no leading '.', letters, digits, . _ - +)");
        }
        Path domain = Path.of(location.domainPath());
        if (!domain.isAbsolute()) {
            throw refused(role, location, "the storage domain path is not absolute");
        }
        Path directory = domain.resolve(BootFileLocation.DIRECTORY);
        Path file = directory.resolve(name);
        if (!directory.equals(file.getParent())) {
            throw refused(role, location, "it is not directly inside " + directory);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw refused(role, location, "there is no such file in " + directory + " on this host");
        } catch (IOException e) {
            throw refused(role, location, "it cannot be read: " + e.getMessage());
        }
        if (attributes.isSymbolicLink()) {
            throw refused(role, location, "it is a symbolic link; copy the file itself into " + directory);
        }
        if (!attributes.isRegularFile()) {
            throw refused(role, location, "it is not a regular file");
        }
        Path real;
        Path realDirectory;
        try {
            real = file.toRealPath();
            realDirectory = directory.toRealPath();
        } catch (IOException e) {
            throw refused(role, location, "its real path cannot be read: " + e.getMessage());
        }
        if (!realDirectory.equals(real.getParent())) {
            throw refused(role, location, "its real path " + real + " is not directly inside " + realDirectory);
        }
        return real;
    }

    /** The regular files with valid names right inside the domain's boot-files directory, by name; none when it does not exist. */
    public static BootFilesResult list(Path domainPath) {
        if (!domainPath.isAbsolute()) {
            throw new IllegalArgumentException("the storage domain path must be absolute: " + domainPath);
        }
        if (!Files.isDirectory(domainPath)) {
            // an unmounted domain must not look like one whose files were all removed
            throw new HypervisorException("the storage domain directory " + domainPath + " does not exist on this host", null);
        }
        Path directory = domainPath.resolve(BootFileLocation.DIRECTORY);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return new BootFilesResult(List.of(), 0);
        }
        List<BootFilesResult.Entry> files = new ArrayList<>();
        int skipped = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    skipped++;
                    continue;
                }
                if (!attributes.isRegularFile() || !BootFileLocation.isValidName(name)) {
                    skipped++;
                    continue;
                }
                files.add(new BootFilesResult.Entry(name, attributes.size()));
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot list " + directory + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(BootFilesResult.Entry::name));
        return new BootFilesResult(files, skipped);
    }

    private static HypervisorException refused(String role, BootFileLocation location, String why) {
        return new HypervisorException("the " + role + " boot file " + printable(location.name()) + " of storage domain "
                + printable(location.domainPath()) + " is refused: " + why, null);
    }

    /** A name from the engine in a message: control characters shown as '?'. */
    private static String printable(String text) {
        return "'" + text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append) + "'";
    }
}
