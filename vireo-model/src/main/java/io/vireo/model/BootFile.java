package io.vireo.model;

import java.time.Instant;
import java.util.List;

/**
 * A file in a storage domain's boot-files directory ({@code <domain path>/boot-files/}), which an
 * administrator fills on a host and the engine learns by a scan: a kernel or an initrd a VM may boot
 * (by this id; a VM never names a host path). {@code missing}: the last scan did not find it, but a
 * VM still refers to it, so its row stays.
 */
public record BootFile(String id, String storageDomainId, String name, long sizeBytes, boolean missing, Instant seenAt,
                       Instant createdAt) {
    /** Answer of POST /api/storagedomains/{id}/bootfiles/scan: what changed, and the domain's files now. */
    public record ScanResult(String storageDomainId, String hostId, int added, int removed, int markedMissing,
                             int skipped, List<BootFile> files) {
    }
}
