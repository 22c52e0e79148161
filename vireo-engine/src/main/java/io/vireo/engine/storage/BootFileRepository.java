package io.vireo.engine.storage;

import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.BootFile;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL of boot files (the files of storage domains' boot-files directories, as the last scan found them). */
final class BootFileRepository {
    private static final String SELECT = "SELECT boot_files.* FROM boot_files "
            + "JOIN storage_domains ON storage_domains.id = boot_files.storage_domain_id";

    /** A page of boot files of the storage domains whose data center {@code dataCenters} keeps, by name. */
    List<BootFile> list(Handle h, Visibility dataCenters, SqlPredicate search, Paging paging) {
        return Pages.list(h, SELECT, search.and(dataCenters.on("storage_domains.data_center_id")),
                "boot_files.name, boot_files.id", paging, (rs, ctx) -> toBootFile(rs));
    }

    Optional<BootFile> find(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM boot_files WHERE id = :id").bind("id", id).map((rs, ctx) -> toBootFile(rs)).findOne();
    }

    /** Locks the row for the rest of the transaction, so that a scan cannot remove it while a VM takes it. */
    Optional<BootFile> lock(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM boot_files WHERE id = :id FOR SHARE").bind("id", id)
                .map((rs, ctx) -> toBootFile(rs)).findOne();
    }

    List<BootFile> ofDomain(Handle h, UUID domainId) {
        return h.createQuery("SELECT * FROM boot_files WHERE storage_domain_id = :sd ORDER BY name").bind("sd", domainId)
                .map((rs, ctx) -> toBootFile(rs)).list();
    }

    /** Serializes scans of one domain: the domain's row, locked for the rest of the transaction. */
    boolean lockDomain(Handle h, UUID domainId) {
        return h.createQuery("SELECT id FROM storage_domains WHERE id = :sd FOR UPDATE").bind("sd", domainId)
                .mapTo(UUID.class).findOne().isPresent();
    }

    void insert(Handle h, UUID id, UUID domainId, String name, long size, Instant seenAt) {
        h.createUpdate("INSERT INTO boot_files (id, storage_domain_id, name, size_bytes, seen_at) VALUES (:id, :sd, :name, :size, :seen)")
                .bind("id", id).bind("sd", domainId).bind("name", name).bind("size", size).bind("seen", seenAt).execute();
    }

    /** Found again by a scan: its size now, no longer missing. */
    void seen(Handle h, UUID id, long size, Instant seenAt) {
        h.createUpdate("UPDATE boot_files SET size_bytes = :size, seen_at = :seen, missing = FALSE WHERE id = :id")
                .bind("id", id).bind("size", size).bind("seen", seenAt).execute();
    }

    void markMissing(Handle h, UUID id) {
        h.createUpdate("UPDATE boot_files SET missing = TRUE WHERE id = :id").bind("id", id).execute();
    }

    void delete(Handle h, UUID id) {
        h.createUpdate("DELETE FROM boot_files WHERE id = :id").bind("id", id).execute();
    }

    void deleteOfDomain(Handle h, UUID domainId) {
        h.createUpdate("DELETE FROM boot_files WHERE storage_domain_id = :sd").bind("sd", domainId).execute();
    }

    private static BootFile toBootFile(ResultSet rs) throws SQLException {
        return new BootFile(rs.getObject("id").toString(), rs.getObject("storage_domain_id").toString(), rs.getString("name"),
                rs.getLong("size_bytes"), rs.getBoolean("missing"), Rows.instant(rs, "seen_at"), Rows.instant(rs, "created_at"));
    }
}
