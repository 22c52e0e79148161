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
import io.vireo.engine.store.ReferencedRows;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.model.BootFile;
import io.vireo.model.Disk;
import io.vireo.model.rpc.BootFileLocation;
import io.vireo.model.rpc.BootFilesResult;
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
    public static final Map<String, SearchQuery.Field> BOOT_FILE_SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("boot_files.name", SearchQuery.Type.TEXT),
            "storage", new SearchQuery.Field("boot_files.storage_domain_id::text", SearchQuery.Type.TEXT),
            "datacenter", new SearchQuery.Field("storage_domains.data_center_id::text", SearchQuery.Type.TEXT),
            "size", new SearchQuery.Field("boot_files.size_bytes", SearchQuery.Type.NUMBER));

    private final Jdbi jdbi;
    private final StorageRepository storage;
    private final BootFileRepository bootFiles = new BootFileRepository();
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
            if (!ReferencedRows.removeUnlessReferenced(h, handle -> bootFiles.deleteOfDomain(handle, id))) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "A VM boots a boot file of storage domain " + domain.name()
                        + "; remove that VM first");
            }
            storage.deleteDomain(h, id);
            events.write(h, EventLog.Entry.info("STORAGE_DOMAIN_REMOVED", "Storage domain " + domain.name() + " was removed"));
        });
    }

    // --- boot files

    /** A page of the boot files of the storage domains in the data centers {@code dataCenters} keeps, by name. */
    public List<BootFile> bootFiles(Visibility dataCenters, Optional<String> search, Paging paging) {
        SqlPredicate where = SearchQuery.parse(search.orElse(null), BOOT_FILE_SEARCH_FIELDS).predicate();
        return jdbi.withHandle(h -> bootFiles.list(h, dataCenters, where, paging));
    }

    /**
     * The boot file a new VM of the data center will boot as its {@code field} (kernelFileId,
     * initrdFileId), checked and locked in the caller's transaction: an id of a boot file of a
     * storage domain of that data center, which the last scan found. Anything else (a host path
     * above all) is a 400 naming the field.
     */
    public BootFile lockBootFileForVm(Handle h, String field, String id, String dataCenterId) {
        if (id != null && id.contains("/")) {
            throw InvalidInputException.invalid(field, "A VM boots a boot file by its id (GET /api/bootfiles lists them), "
                    + "never by a host path");
        }
        UUID fileId = Fields.id(field, id);
        BootFile file = bootFiles.lock(h, fileId).orElseThrow(() -> InvalidInputException.invalid(field,
                "There is no boot file with id " + fileId + " (GET /api/bootfiles lists them)"));
        StorageDomain domain = domain(UUID.fromString(file.storageDomainId()));
        if (!domain.dataCenterId().equals(dataCenterId)) {
            throw InvalidInputException.invalid(field, "Boot file " + file.name() + " is in storage domain " + domain.name()
                    + " of another data center than the VM's cluster");
        }
        if (file.missing()) {
            throw InvalidInputException.invalid(field, "Boot file " + file.name() + " was not found in storage domain "
                    + domain.name() + " at its last scan");
        }
        return file;
    }

    /** Where an agent finds a boot file: its storage domain's path and its name (the agent resolves and checks it). */
    public BootFileLocation bootFileLocation(Handle h, UUID id) {
        BootFile file = bootFiles.find(h, id).orElseThrow(() -> NotFoundException.of(ErrorCode.BOOT_FILE_NOT_FOUND, "boot file", id));
        return new BootFileLocation(domain(UUID.fromString(file.storageDomainId())).path(), file.name());
    }

    /**
     * Makes the domain's boot-file rows what a host found in its boot-files directory, in one
     * transaction: new files are added, files found again updated, vanished ones removed, or kept and
     * marked missing while a VM refers to them (a foreign key decides, so a VM made meanwhile counts).
     */
    public BootFile.ScanResult syncBootFiles(UUID domainId, UUID hostId, String hostName, BootFilesResult listing) {
        StorageDomain domain = domain(domainId);
        java.time.Instant now = java.time.Instant.now();
        return jdbi.inTransaction(h -> {
            if (!bootFiles.lockDomain(h, domainId)) {
                throw NotFoundException.of(ErrorCode.STORAGE_DOMAIN_NOT_FOUND, "storage domain", domainId);
            }
            Map<String, BootFile> known = new java.util.HashMap<>();
            bootFiles.ofDomain(h, domainId).forEach(file -> known.put(file.name(), file));
            int added = 0;
            int removed = 0;
            int markedMissing = 0;
            int skipped = listing.skipped();
            java.util.Set<String> found = new java.util.HashSet<>();
            for (BootFilesResult.Entry entry : listing.files()) {
                // the agent filters already; an engine trusts no name it did not check itself
                if (!BootFileLocation.isValidName(entry.name()) || entry.sizeBytes() < 0 || !found.add(entry.name())) {
                    skipped++;
                    continue;
                }
                BootFile existing = known.get(entry.name());
                if (existing == null) {
                    bootFiles.insert(h, UUID.randomUUID(), domainId, entry.name(), entry.sizeBytes(), now);
                    added++;
                } else {
                    bootFiles.seen(h, UUID.fromString(existing.id()), entry.sizeBytes(), now);
                }
            }
            for (BootFile file : known.values()) {
                if (found.contains(file.name())) {
                    continue;
                }
                UUID fileId = UUID.fromString(file.id());
                if (ReferencedRows.removeUnlessReferenced(h, handle -> bootFiles.delete(handle, fileId))) {
                    removed++;
                } else if (!file.missing()) {
                    bootFiles.markMissing(h, fileId);
                    markedMissing++;
                }
            }
            events.write(h, EventLog.Entry.info("BOOT_FILES_SCANNED", "Host " + hostName + " scanned the boot files of storage domain "
                    + domain.name() + ": " + found.size() + " found, " + added + " new, " + removed + " removed, " + markedMissing
                    + " missing but still used by a VM" + (skipped == 0 ? "" : ", " + skipped + " entries skipped (not regular "
                    + "files, or names other than letters, digits, . _ - + without a leading dot)")).host(hostId));
            return new BootFile.ScanResult(domainId.toString(), hostId.toString(), added, removed, markedMissing, skipped,
                    bootFiles.ofDomain(h, domainId));
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
