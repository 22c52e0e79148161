package io.vireo.engine.storage;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.jobs.JobService;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.UniqueNames;
import io.vireo.engine.store.Visibility;
import io.vireo.engine.jobs.JobTarget;
import io.vireo.model.Disk;
import io.vireo.model.DiskStatus;
import io.vireo.model.ErrorCode;
import io.vireo.model.StorageDomain;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;

import static java.util.Objects.requireNonNull;

/** File storage domains and the disks (qcow2 or raw images, made on a host) in them. */
public final class StorageService {
    public static final long MAX_DISK_BYTES = 64L << 40;
    public static final long MIN_DISK_BYTES = 1L << 20;
    public static final Map<String, SearchQuery.Field> DOMAIN_SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "type", new SearchQuery.Field("type", SearchQuery.Type.ENUM),
            "datacenter", new SearchQuery.Field("data_center_id::text", SearchQuery.Type.TEXT));
    public static final Map<String, SearchQuery.Field> DISK_SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "status", new SearchQuery.Field("status", SearchQuery.Type.ENUM),
            "format", new SearchQuery.Field("format", SearchQuery.Type.ENUM),
            "size", new SearchQuery.Field("size_bytes", SearchQuery.Type.NUMBER),
            "storage", new SearchQuery.Field("storage_domain_id::text", SearchQuery.Type.TEXT),
            "vm", new SearchQuery.Field("vm_id::text", SearchQuery.Type.TEXT));

    private final Jdbi jdbi;
    private final StorageRepository storage;
    private final DataCenterService dataCenters;
    private final JobService jobs;
    private final EventLog events;

    public StorageService(Jdbi jdbi, DataCenterService dataCenters, JobService jobs, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.storage = new StorageRepository(jdbi);
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.jobs = requireNonNull(jobs, "jobs");
        this.events = requireNonNull(events, "events");
    }

    public StorageDomain createDomain(StorageDomain.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        UUID dataCenterId = Fields.id("dataCenterId", request.dataCenterId());
        String type = request.type() == null ? "file" : Fields.oneOf("type", request.type(), "file");
        String path = Fields.absolutePath("path", request.path());
        var dataCenter = dataCenters.dataCenter(dataCenterId);
        UUID id = UUID.randomUUID();
        UniqueNames.insert(jdbi, "storage domain", name, h -> {
            storage.insertDomain(h, id, name, dataCenterId, type, path);
            events.write(h, EventLog.Entry.info("STORAGE_DOMAIN_CREATED", "Storage domain " + name + " (" + path
                    + ") was added to data center " + dataCenter.name()));
            return id;
        });
        return domain(id);
    }

    /** A page of the storage domains the caller may see that match the search, by name. */
    public List<StorageDomain> domains(Visibility visible, Optional<String> search, Paging paging) {
        return storage.domains(visible, SearchQuery.parse(search.orElse(null), DOMAIN_SEARCH_FIELDS).predicate(), paging);
    }

    public StorageDomain domain(UUID id) {
        return storage.domain(id).orElseThrow(() -> NotFoundException.of(ErrorCode.STORAGE_DOMAIN_NOT_FOUND, "storage domain", id));
    }

    /** The ids of the storage domains of a data center (what its hosts must all reach). */
    public List<UUID> domainIdsInDataCenter(Handle h, UUID dataCenterId) {
        return storage.domainIdsInDataCenter(h, dataCenterId);
    }

    public void deleteDomain(UUID id) {
        StorageDomain domain = domain(id);
        jdbi.useTransaction(h -> {
            int disks = storage.countInDomain(h, id);
            if (disks > 0) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Storage domain " + domain.name() + " holds " + disks
                        + " disk(s); remove them first");
            }
            storage.deleteDomain(h, id);
            events.write(h, EventLog.Entry.info("STORAGE_DOMAIN_REMOVED", "Storage domain " + domain.name() + " was removed"));
        });
    }

    /** Records the disk as LOCKED and a job that makes its image on a host; answers the job id. */
    public CreatedDisk createDisk(Disk.Create request) {
        return createDisk(request, (h, id) -> {
        });
    }

    /** Creates a disk; {@code alsoInTransaction} runs in the same transaction with the new id (e.g. to make its creator its owner). */
    public CreatedDisk createDisk(Disk.Create request, BiConsumer<Handle, UUID> alsoInTransaction) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        UUID domainId = Fields.id("storageDomainId", request.storageDomainId());
        long size = Fields.range("sizeBytes", request.sizeBytes(), MIN_DISK_BYTES, MAX_DISK_BYTES);
        String format = request.format() == null ? "qcow2" : Fields.oneOf("format", request.format(), "qcow2", "raw");
        StorageDomain domain = domain(domainId);
        UUID id = UUID.randomUUID();
        String path = domain.path() + "/" + id + (format.equals("qcow2") ? ".qcow2" : ".img");
        UUID job = UniqueNames.insert(jdbi, "disk", name, h -> {
            storage.insertDisk(h, id, name, domainId, size, format, path, null);
            alsoInTransaction.accept(h, id);
            return jobs.create(h, CreateDiskJob.KIND, JobTarget.disk(id), "Create disk " + name + " (" + size + " bytes, "
                    + format + ")", new StorageJobParams(UUID.fromString(domain.dataCenterId())));
        });
        return new CreatedDisk(disk(id), job);
    }

    public record CreatedDisk(Disk disk, UUID jobId) {
    }

    /**
     * Records, in the caller's transaction, thin overlays of a template VM's disks for a new VM
     * (a pool desktop), attached to it in the same order; the images are made by a job of the caller's.
     */
    public List<UUID> createOverlays(Handle h, UUID templateVmId, UUID vmId, String vmName) {
        List<UUID> made = new ArrayList<>();
        int position = 0;
        for (Disk base : storage.disksOfVm(h, templateVmId)) {
            position++;
            UUID diskId = UUID.randomUUID();
            StorageDomain domain = domain(UUID.fromString(base.storageDomainId()));
            storage.insertDisk(h, diskId, vmName + "-disk" + position, UUID.fromString(base.storageDomainId()), base.sizeBytes(),
                    "qcow2", domain.path() + "/" + diskId + ".qcow2", UUID.fromString(base.id()));
            storage.attach(h, diskId, vmId, base.bootOrder());
            made.add(diskId);
        }
        return made;
    }

    /** Names X of disks named X-diskN starting with the prefix: a new VM named X would collide with them. */
    public java.util.Set<String> diskOwnerNames(Handle h, String prefix) {
        return storage.diskOwnerNames(h, prefix);
    }

    /** Per VM, the storage domains its disks are on (a VM without disks is absent). */
    public Map<UUID, java.util.Set<UUID>> domainsOfVms(Handle h, java.util.Collection<UUID> vmIds) {
        return storage.domainsOfVms(h, vmIds);
    }

    /** The VM's disks that are overlays, with the image each is an overlay of. */
    public List<OverlayImage> overlays(UUID vmId) {
        return storage.overlays(vmId);
    }

    /** A page of the disks the caller may see that match the search, by name. */
    public List<Disk> disks(Visibility visible, Optional<String> search, Paging paging) {
        return storage.disks(visible, SearchQuery.parse(search.orElse(null), DISK_SEARCH_FIELDS).predicate(), paging);
    }

    public Disk disk(UUID id) {
        return findDisk(id).orElseThrow(() -> NotFoundException.of(ErrorCode.DISK_NOT_FOUND, "disk", id));
    }

    public Optional<Disk> findDisk(UUID id) {
        return jdbi.withHandle(h -> storage.disk(h, id));
    }

    public Optional<Disk> findDisk(Handle h, UUID id) {
        return storage.disk(h, id);
    }

    public List<Disk> disksOfVm(Handle h, UUID vmId) {
        return storage.disksOfVm(h, vmId);
    }

    /**
     * Locks a disk for attaching it to a VM of the given data center, in the caller's transaction:
     * refuses one that is missing, attached elsewhere, not ready, or in another data center.
     */
    public Disk lockForAttach(Handle h, UUID diskId, String dataCenterId, String clusterName) {
        Disk disk = storage.lockDisk(h, diskId).orElseThrow(() -> NotFoundException.of(ErrorCode.DISK_NOT_FOUND, "disk", diskId));
        if (disk.vmId() != null) {
            throw new ConflictException(ErrorCode.DISK_IN_USE, "Disk " + disk.name() + " is attached to another VM",
                    Map.of("diskId", disk.id(), "vmId", disk.vmId()));
        }
        if (disk.status() != DiskStatus.OK) {
            throw new ConflictException(ErrorCode.DISK_NOT_READY, "Disk " + disk.name() + " is " + disk.status()
                    + ", not ready to be attached", Map.of("diskId", disk.id()));
        }
        if (!domain(UUID.fromString(disk.storageDomainId())).dataCenterId().equals(dataCenterId)) {
            throw InvalidInputException.invalid("diskIds", "Disk " + disk.name() + " is in another data center than cluster "
                    + clusterName);
        }
        return disk;
    }

    /** Attaches a disk locked with {@link #lockForAttach} to a VM, at a boot position (1 first). */
    public void attach(Handle h, UUID diskId, UUID vmId, int bootOrder) {
        storage.attach(h, diskId, vmId, bootOrder);
    }

    /** Detaches every disk of a VM that is being removed. */
    public void detachAll(Handle h, UUID vmId) {
        storage.detachAll(h, vmId);
    }

    /** Starts removing a disk that no VM uses: its image is deleted on a host, then its row. */
    public UUID deleteDisk(UUID id) {
        return jdbi.inTransaction(h -> {
            Disk disk = storage.lockDisk(h, id).orElseThrow(() -> NotFoundException.of(ErrorCode.DISK_NOT_FOUND, "disk", id));
            if (disk.vmId() != null) {
                throw new ConflictException(ErrorCode.DISK_IN_USE, "Disk " + disk.name() + " is attached to a VM; "
                        + "remove the VM (with or without its disks) first", Map.of("vmId", disk.vmId()));
            }
            if (disk.status() == DiskStatus.LOCKED) {
                throw new ConflictException(ErrorCode.DISK_NOT_READY, "Disk " + disk.name() + " is locked by another operation");
            }
            return removeImage(h, disk);
        });
    }

    /** In the caller's transaction: locks a detached disk and records the job that deletes its image, then its row. */
    public UUID removeImage(Handle h, Disk disk) {
        UUID id = UUID.fromString(disk.id());
        storage.setStatus(h, id, DiskStatus.LOCKED);
        StorageDomain domain = domain(UUID.fromString(disk.storageDomainId()));
        return jobs.create(h, DeleteDiskJob.KIND, JobTarget.disk(id), "Remove disk " + disk.name(),
                new StorageJobParams(UUID.fromString(domain.dataCenterId())));
    }

    /** A disk job's outcome on the disk's row. */
    void setStatus(Handle h, UUID diskId, DiskStatus status) {
        storage.setStatus(h, diskId, status);
    }

    /** A desktop's overlays were made afresh (OK) or failed (ILLEGAL, only those still LOCKED). */
    public void setOverlaysStatus(Handle h, UUID vmId, boolean made) {
        storage.setStatusOfVmDisks(h, vmId, made ? null : DiskStatus.LOCKED, made ? DiskStatus.OK : DiskStatus.ILLEGAL);
    }

    void deleteRow(Handle h, UUID diskId) {
        storage.deleteDisk(h, diskId);
    }
}
