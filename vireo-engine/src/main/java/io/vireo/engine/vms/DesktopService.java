package io.vireo.engine.vms;

import io.vireo.engine.events.EventLog;
import io.vireo.engine.networks.NetworkService;
import io.vireo.engine.storage.StorageService;
import io.vireo.model.Vm;
import org.jdbi.v3.core.Handle;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Pool desktops as the VM feature keeps them: VMs made from a template (their disks thin overlays
 * of its disks), numbered in their pool, given to a user and taken back. The pools feature decides
 * when; this service owns the rows.
 */
public final class DesktopService {
    private final DesktopRepository desktops;
    private final VmRepository vms;
    private final StorageService storage;
    private final EventLog events;
    private final NetworkService networks;

    public DesktopService(org.jdbi.v3.core.Jdbi jdbi, StorageService storage, NetworkService networks, EventLog events) {
        this.desktops = new DesktopRepository(jdbi);
        this.vms = new VmRepository(jdbi);
        this.storage = requireNonNull(storage, "storage");
        this.networks = requireNonNull(networks, "networks");
        this.events = requireNonNull(events, "events");
    }

    /** Desktop counts per pool (a pool without desktops is absent from the map). */
    public Map<UUID, DesktopCounts> counts(Handle h, Collection<UUID> poolIds) {
        return desktops.counts(h, poolIds);
    }

    public int count(UUID poolId) {
        return desktops.count(poolId);
    }

    public List<String> runningNames(Handle h, UUID poolId) {
        return desktops.runningNames(h, poolId);
    }

    public List<String> namesOfUser(Handle h, UUID poolId, UUID userId) {
        return desktops.namesOfUser(h, poolId, userId);
    }

    /** Locks and answers the free desktop to give next, if any. */
    public Optional<UUID> lockNextFree(Handle h, UUID poolId) {
        return desktops.lockNextFree(h, poolId);
    }

    public void assign(Handle h, UUID vmId, UUID userId) {
        desktops.assign(h, vmId, userId);
    }

    /** A desktop whose user shut it down, to go back to its pool. */
    public record Returned(UUID vmId, String name, UUID userId, boolean hasOverlays) {
    }

    /** Locks the desktops of the pool that their users shut down (and that no job works on). */
    public List<Returned> lockReturned(Handle h, UUID poolId) {
        return desktops.lockReturned(h, poolId).stream()
                .map(row -> new Returned(row.vmId(), row.name(), row.userId(), row.hasOverlays())).toList();
    }

    /** The desktop is nobody's again; with overlays it waits for a reset before it is given out. */
    public void markReturned(Handle h, UUID vmId, boolean needsReset) {
        desktops.markReturned(h, vmId, needsReset);
    }

    public List<Map.Entry<UUID, String>> lockAwaitingReset(Handle h, UUID poolId, int batch) {
        return desktops.lockAwaitingReset(h, poolId, batch);
    }

    /** The desktop's overlays were made afresh (it is free again), or making them failed (it is tried again later). */
    public void overlaysMade(Handle h, UUID vmId, boolean made) {
        storage.setOverlaysStatus(h, vmId, made);
        desktops.setNeedsReset(h, vmId, !made);
    }

    /** Numbers the pool uses, and names of VMs that start with the prefix (a desktop may not take them). */
    public Set<Integer> usedIndexes(Handle h, UUID poolId) {
        return desktops.usedIndexes(h, poolId);
    }

    public Set<String> vmNamesStartingWith(Handle h, String prefix) {
        return desktops.vmNamesStartingWith(h, prefix);
    }

    /**
     * Records a new Down desktop with the template's hardware, thin overlays of its disks (LOCKED
     * until a job makes their images) and NICs like its template's, each with its own MAC, in the
     * caller's transaction; answers whether it has disks.
     */
    public boolean create(Handle h, UUID vmId, String name, Vm template, UUID poolId, int index, String poolName) {
        UUID templateId = UUID.fromString(template.id());
        desktops.insertFromTemplate(h, vmId, name, templateId, poolId, index);
        List<UUID> disks = storage.createOverlays(h, templateId, vmId, name);
        networks.copyNics(h, templateId, vmId);
        events.write(h, EventLog.Entry.info("DESKTOP_CREATED", "Desktop " + name + " of pool " + poolName
                + " was made from template " + template.name()).vm(vmId));
        return !disks.isEmpty();
    }

    public List<UUID> surplus(UUID poolId, int count, boolean poolDeleting) {
        return desktops.surplus(poolId, count, poolDeleting);
    }

    public int readyCount(UUID poolId) {
        return desktops.readyCount(poolId);
    }

    public List<UUID> startable(UUID poolId, int count) {
        return desktops.startable(poolId, count);
    }

    public Optional<Vm> find(Handle h, UUID vmId) {
        return vms.find(h, vmId);
    }
}
