package io.vireo.engine.storage;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.jobs.JobRepository;
import io.vireo.engine.jobs.JobTarget;
import io.vireo.engine.store.Rows;
import io.vireo.model.Disk;
import io.vireo.model.ErrorCode;
import io.vireo.model.StorageDomain;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** File storage domains and the disks (qcow2 or raw images, made on a host) in them. */
public final class StorageService {
    public static final long MAX_DISK_BYTES = 64L << 40;
    public static final long MIN_DISK_BYTES = 1L << 20;

    private final Jdbi jdbi;
    private final DataCenterService dataCenters;
    private final JobRepository jobs;
    private final EventLog events;

    public StorageService(Jdbi jdbi, DataCenterService dataCenters, JobRepository jobs, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
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
        dataCenters.insertUnique("storage domain", name, h -> {
            h.createUpdate("INSERT INTO storage_domains (id, name, data_center_id, type, path) VALUES (:id, :name, :dc, :type, :path)")
                    .bind("id", id).bind("name", name).bind("dc", dataCenterId).bind("type", type).bind("path", path).execute();
            events.write(h, EventLog.Entry.info("STORAGE_DOMAIN_CREATED", "Storage domain " + name + " (" + path
                    + ") was added to data center " + dataCenter.name()));
        });
        return domain(id);
    }

    public List<StorageDomain> domains() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM storage_domains ORDER BY name").map((rs, ctx) -> toDomain(rs)).list());
    }

    public StorageDomain domain(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM storage_domains WHERE id = :id").bind("id", id)
                        .map((rs, ctx) -> toDomain(rs)).findOne())
                .orElseThrow(() -> NotFoundException.of(ErrorCode.STORAGE_DOMAIN_NOT_FOUND, "storage domain", id));
    }

    public void deleteDomain(UUID id) {
        StorageDomain domain = domain(id);
        jdbi.useTransaction(h -> {
            int disks = h.createQuery("SELECT count(*) FROM disks WHERE storage_domain_id = :id").bind("id", id)
                    .mapTo(Integer.class).one();
            if (disks > 0) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Storage domain " + domain.name() + " holds " + disks
                        + " disk(s); remove them first");
            }
            h.createUpdate("DELETE FROM storage_domains WHERE id = :id").bind("id", id).execute();
            events.write(h, EventLog.Entry.info("STORAGE_DOMAIN_REMOVED", "Storage domain " + domain.name() + " was removed"));
        });
    }

    /** Records the disk as LOCKED and a job that makes its image on a host; answers the job id. */
    public CreatedDisk createDisk(Disk.Create request) {
        return createDisk(request, (h, id) -> {
        });
    }

    /** Creates a disk; {@code alsoInTransaction} runs in the same transaction with the new id (e.g. to make its creator its owner). */
    public CreatedDisk createDisk(Disk.Create request, java.util.function.BiConsumer<org.jdbi.v3.core.Handle, UUID> alsoInTransaction) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        UUID domainId = Fields.id("storageDomainId", request.storageDomainId());
        long size = Fields.range("sizeBytes", request.sizeBytes(), MIN_DISK_BYTES, MAX_DISK_BYTES);
        String format = request.format() == null ? "qcow2" : Fields.oneOf("format", request.format(), "qcow2", "raw");
        StorageDomain domain = domain(domainId);
        UUID id = UUID.randomUUID();
        String path = domain.path() + "/" + id + (format.equals("qcow2") ? ".qcow2" : ".img");
        UUID[] job = new UUID[1];
        dataCenters.insertUnique("disk", name, h -> {
            h.createUpdate("INSERT INTO disks (id, name, storage_domain_id, size_bytes, format, status, path) "
                            + "VALUES (:id, :name, :sd, :size, :format, 'LOCKED', :path)")
                    .bind("id", id).bind("name", name).bind("sd", domainId).bind("size", size).bind("format", format)
                    .bind("path", path).execute();
            job[0] = jobs.create(h, CreateDiskJob.KIND, JobTarget.disk(id), "Create disk " + name + " (" + size + " bytes, "
                    + format + ")", new StorageJobParams(UUID.fromString(domain.dataCenterId())));
            alsoInTransaction.accept(h, id);
        });
        return new CreatedDisk(disk(id), job[0]);
    }

    public record CreatedDisk(Disk disk, UUID jobId) {
    }

    public List<Disk> disks() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM disks ORDER BY name").map((rs, ctx) -> toDisk(rs)).list());
    }

    public Disk disk(UUID id) {
        return findDisk(id).orElseThrow(() -> NotFoundException.of(ErrorCode.DISK_NOT_FOUND, "disk", id));
    }

    public Optional<Disk> findDisk(UUID id) {
        return jdbi.withHandle(h -> findDisk(h, id));
    }

    public Optional<Disk> findDisk(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM disks WHERE id = :id").bind("id", id).map((rs, ctx) -> toDisk(rs)).findOne();
    }

    public List<Disk> disksOfVm(Handle h, UUID vmId) {
        return h.createQuery("SELECT * FROM disks WHERE vm_id = :vm ORDER BY boot_order").bind("vm", vmId)
                .map((rs, ctx) -> toDisk(rs)).list();
    }

    /** Starts removing a disk that no VM uses: its image is deleted on a host, then its row. */
    public UUID deleteDisk(UUID id) {
        return jdbi.inTransaction(h -> {
            Disk disk = h.createQuery("SELECT * FROM disks WHERE id = :id FOR UPDATE").bind("id", id)
                    .map((rs, ctx) -> toDisk(rs)).findOne()
                    .orElseThrow(() -> NotFoundException.of(ErrorCode.DISK_NOT_FOUND, "disk", id));
            if (disk.vmId() != null) {
                throw new ConflictException(ErrorCode.DISK_IN_USE, "Disk " + disk.name() + " is attached to a VM; "
                        + "remove the VM (with or without its disks) first", Map.of("vmId", disk.vmId()));
            }
            if (disk.status().equals("LOCKED")) {
                throw new ConflictException(ErrorCode.DISK_NOT_READY, "Disk " + disk.name() + " is locked by another operation");
            }
            h.createUpdate("UPDATE disks SET status = 'LOCKED' WHERE id = :id").bind("id", id).execute();
            StorageDomain domain = domain(UUID.fromString(disk.storageDomainId()));
            return jobs.create(h, DeleteDiskJob.KIND, JobTarget.disk(id), "Remove disk " + disk.name(),
                    new StorageJobParams(UUID.fromString(domain.dataCenterId())));
        });
    }

    static Disk toDisk(ResultSet rs) throws SQLException {
        return new Disk(rs.getObject("id").toString(), rs.getString("name"), rs.getObject("storage_domain_id").toString(),
                rs.getLong("size_bytes"), rs.getString("format"), rs.getString("status"), rs.getString("path"),
                Rows.id(rs, "vm_id"), rs.getInt("boot_order"), Rows.instant(rs, "created_at"));
    }

    private static StorageDomain toDomain(ResultSet rs) throws SQLException {
        return new StorageDomain(rs.getObject("id").toString(), rs.getString("name"), rs.getObject("data_center_id").toString(),
                rs.getString("type"), rs.getString("path"), Rows.instant(rs, "created_at"));
    }
}
