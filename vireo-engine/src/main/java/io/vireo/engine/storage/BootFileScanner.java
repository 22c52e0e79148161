package io.vireo.engine.storage;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.UnavailableException;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.hosts.HostService;
import io.vireo.model.BootFile;
import io.vireo.model.ErrorCode;
import io.vireo.model.Host;
import io.vireo.model.StorageDomain;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.BootFilesResult;
import io.vireo.model.rpc.PathParams;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The scan of a storage domain's boot-files directory: an Up host of the domain's data center lists
 * it (storage.listBootFiles, a read, answered within seconds, so the request waits for it; a
 * non-leading engine has the leader make the call), and {@link StorageService#syncBootFiles} makes
 * the rows match.
 */
public final class BootFileScanner {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final StorageService storage;
    private final HostService hosts;
    private final AgentGateway gateway;

    public BootFileScanner(StorageService storage, HostService hosts, AgentGateway gateway) {
        this.storage = requireNonNull(storage, "storage");
        this.hosts = requireNonNull(hosts, "hosts");
        this.gateway = requireNonNull(gateway, "gateway");
    }

    public BootFile.ScanResult scan(UUID domainId) {
        StorageDomain domain = storage.domain(domainId);
        List<Host> candidates = hosts.upHostsInDataCenter(UUID.fromString(domain.dataCenterId()));
        if (candidates.isEmpty()) {
            throw new ConflictException(ErrorCode.NO_HOST_AVAILABLE, "No host of the data center of storage domain "
                    + domain.name() + " is Up to look at its boot files");
        }
        AgentException last = null;
        // the first Up host that answers; another one if its agent cannot
        for (Host host : candidates) {
            UUID hostId = UUID.fromString(host.id());
            BootFilesResult listing;
            try {
                listing = gateway.call(hostId, AgentMethod.STORAGE_LIST_BOOT_FILES, new PathParams(domain.path()), TIMEOUT);
            } catch (AgentException e) {
                last = e;
                continue;
            }
            return storage.syncBootFiles(domainId, hostId, host.name(), listing);
        }
        throw new UnavailableException(last.code(), "Cannot list the boot files of storage domain " + domain.name() + ": "
                + last.getMessage());
    }
}
