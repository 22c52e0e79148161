package io.vireo.model.rpc;

import java.util.List;

/**
 * The regular files of a storage domain's boot-files directory on the host that looked, with
 * valid names; {@code skipped} counts the entries left out (directories, symbolic links, other
 * kinds, bad names). A domain without the directory yet has no boot files.
 */
public record BootFilesResult(List<Entry> files, int skipped) {
    public BootFilesResult {
        files = files == null ? List.of() : List.copyOf(files);
    }

    public record Entry(String name, long sizeBytes) {
    }
}
