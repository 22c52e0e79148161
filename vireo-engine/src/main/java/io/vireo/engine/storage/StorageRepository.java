package io.vireo.engine.storage;

import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Disk;
import io.vireo.model.DiskStatus;
import io.vireo.model.StorageDomain;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** SQL of storage domains and disks. */
final class StorageRepository {
    private final Jdbi jdbi;

    StorageRepository(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    void insertDomain(Handle h, UUID id, String name, UUID dataCenterId, String type, String path) {
        h.createUpdate("INSERT INTO storage_domains (id, name, data_center_id, type, path) VALUES (:id, :name, :dc, :type, :path)")
                .bind("id", id).bind("name", name).bind("dc", dataCenterId).bind("type", type).bind("path", path).execute();
    }

    List<StorageDomain> domains(Visibility visible, SqlPredicate search, Paging paging) {
        SqlPredicate where = search.and(visible.on("storage_domains.id"));
        return jdbi.withHandle(h -> Pages.list(h, "SELECT * FROM storage_domains", where, "name, id", paging,
                (rs, ctx) -> toDomain(rs)));
    }

    List<UUID> domainIdsInDataCenter(Handle h, UUID dataCenterId) {
        return h.createQuery("SELECT id FROM storage_domains WHERE data_center_id = :dc").bind("dc", dataCenterId)
                .mapTo(UUID.class).list();
    }

    Optional<StorageDomain> domain(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM storage_domains WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> toDomain(rs)).findOne());
    }

    void deleteDomain(Handle h, UUID id) {
        h.createUpdate("DELETE FROM storage_domains WHERE id = :id").bind("id", id).execute();
    }

    void insertDisk(Handle h, UUID id, String name, UUID domainId, long size, String format, String path, UUID backingDiskId) {
        h.createUpdate("INSERT INTO disks (id, name, storage_domain_id, size_bytes, format, status, path, backing_disk_id) "
                        + "VALUES (:id, :name, :sd, :size, :format, 'LOCKED', :path, CAST(:backing AS uuid))")
                .bind("id", id).bind("name", name).bind("sd", domainId).bind("size", size).bind("format", format)
                .bind("path", path).bind("backing", backingDiskId).execute();
    }

    List<Disk> disks(Visibility visible, SqlPredicate search, Paging paging) {
        SqlPredicate where = search.and(visible.on("disks.id"));
        return jdbi.withHandle(h -> Pages.list(h, "SELECT * FROM disks", where, "name, id", paging, (rs, ctx) -> toDisk(rs)));
    }

    Optional<Disk> disk(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM disks WHERE id = :id").bind("id", id).map((rs, ctx) -> toDisk(rs)).findOne();
    }

    /** Locks the disk's row for the rest of the transaction (attach, remove). */
    Optional<Disk> lockDisk(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM disks WHERE id = :id FOR UPDATE").bind("id", id).map((rs, ctx) -> toDisk(rs))
                .findOne();
    }

    List<Disk> disksOfVm(Handle h, UUID vmId) {
        return h.createQuery("SELECT * FROM disks WHERE vm_id = :vm ORDER BY boot_order, created_at").bind("vm", vmId)
                .map((rs, ctx) -> toDisk(rs)).list();
    }

    /** The names "X" of disks named "X-diskN" that start with the prefix (the disks of VMs named so). */
    java.util.Set<String> diskOwnerNames(Handle h, String prefix) {
        return new java.util.HashSet<>(h.createQuery("SELECT substring(name FROM '^(.*)-disk[0-9]+$') FROM disks "
                        + "WHERE starts_with(name, :prefix)").bind("prefix", prefix).mapTo(String.class).list());
    }

    Map<UUID, Set<UUID>> domainsOfVms(Handle h, Collection<UUID> vmIds) {
        Map<UUID, Set<UUID>> domains = new HashMap<>();
        if (vmIds.isEmpty()) {
            return domains;
        }
        h.createQuery("SELECT vm_id, storage_domain_id FROM disks WHERE vm_id IN (<vms>)").bindList("vms", List.copyOf(vmIds))
                .map((rs, ctx) -> Map.entry(rs.getObject("vm_id", UUID.class), rs.getObject("storage_domain_id", UUID.class)))
                .forEach(entry -> domains.computeIfAbsent(entry.getKey(), key -> new HashSet<>()).add(entry.getValue()));
        return domains;
    }

    int countInDomain(Handle h, UUID domainId) {
        return h.createQuery("SELECT count(*) FROM disks WHERE storage_domain_id = :id").bind("id", domainId)
                .mapTo(Integer.class).one();
    }

    void attach(Handle h, UUID diskId, UUID vmId, int bootOrder) {
        h.createUpdate("UPDATE disks SET vm_id = :vm, boot_order = :order WHERE id = :id")
                .bind("vm", vmId).bind("order", bootOrder).bind("id", diskId).execute();
    }

    void detachAll(Handle h, UUID vmId) {
        h.createUpdate("UPDATE disks SET vm_id = NULL, boot_order = 0 WHERE vm_id = :vm").bind("vm", vmId).execute();
    }

    void setStatus(Handle h, UUID diskId, DiskStatus status) {
        h.createUpdate("UPDATE disks SET status = :status WHERE id = :id").bind("id", diskId).bind("status", status.name())
                .execute();
    }

    /** Sets the status of the VM's disks that are in {@code from} (every one when null). */
    void setStatusOfVmDisks(Handle h, UUID vmId, DiskStatus from, DiskStatus to) {
        h.createUpdate("UPDATE disks SET status = :to WHERE vm_id = :vm" + (from == null ? "" : " AND status = :from"))
                .bind("vm", vmId).bind("to", to.name()).bind("from", from == null ? null : from.name()).execute();
    }

    void deleteDisk(Handle h, UUID diskId) {
        h.createUpdate("DELETE FROM disks WHERE id = :id").bind("id", diskId).execute();
    }

    /** The image of each of the VM's disks with the image it is an overlay of (a pool desktop's disks). */
    List<OverlayImage> overlays(UUID vmId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT d.id, d.name, d.path, b.path AS backing_path, b.format AS backing_format FROM disks d "
                        + "JOIN disks b ON b.id = d.backing_disk_id WHERE d.vm_id = :vm ORDER BY d.boot_order")
                .bind("vm", vmId)
                .map((rs, ctx) -> new OverlayImage(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("path"),
                        rs.getString("backing_path"), rs.getString("backing_format")))
                .list());
    }

    static Disk toDisk(ResultSet rs) throws SQLException {
        return new Disk(rs.getObject("id").toString(), rs.getString("name"), rs.getObject("storage_domain_id").toString(),
                rs.getLong("size_bytes"), rs.getString("format"), DiskStatus.valueOf(rs.getString("status")), rs.getString("path"),
                Rows.id(rs, "vm_id"), rs.getInt("boot_order"), Rows.instant(rs, "created_at"));
    }

    private static StorageDomain toDomain(ResultSet rs) throws SQLException {
        return new StorageDomain(rs.getObject("id").toString(), rs.getString("name"), rs.getObject("data_center_id").toString(),
                rs.getString("type"), rs.getString("path"), Rows.instant(rs, "created_at"));
    }
}
