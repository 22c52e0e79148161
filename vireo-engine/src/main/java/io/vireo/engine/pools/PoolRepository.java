package io.vireo.engine.pools;

import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.VmPoolStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** SQL of desktop pools (their desktops are VMs: the vms feature keeps and counts them). */
final class PoolRepository {
    private final Jdbi jdbi;

    PoolRepository(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    /** A pool's row, without desktop counts. */
    record PoolRow(UUID id, String name, String description, UUID clusterId, UUID templateId, String type, int size,
                   int prestarted, int maxDesktopsPerUser, VmPoolStatus status, java.time.Instant createdAt) {
    }

    void insert(Handle h, UUID id, String name, String description, UUID clusterId, UUID templateId, String type, int size,
                int prestarted, int perUser) {
        h.createUpdate("INSERT INTO vm_pools (id, name, description, cluster_id, template_vm_id, type, size, prestarted, "
                        + "max_desktops_per_user) VALUES (:id, :name, :description, :cluster, :template, :type, :size, "
                        + ":prestarted, :perUser)")
                .bind("id", id).bind("name", name).bind("description", description).bind("cluster", clusterId)
                .bind("template", templateId).bind("type", type).bind("size", size).bind("prestarted", prestarted)
                .bind("perUser", perUser).execute();
    }

    List<PoolRow> list(Handle h, Visibility visible, SqlPredicate search, Paging paging) {
        SqlPredicate where = search.and(visible.on("vm_pools.id"));
        return Pages.list(h, "SELECT * FROM vm_pools", where, "name, id", paging, (rs, ctx) -> row(rs));
    }

    List<PoolRow> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM vm_pools ORDER BY name").map((rs, ctx) -> row(rs)).list());
    }

    Optional<PoolRow> find(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM vm_pools WHERE id = :id").bind("id", id).map((rs, ctx) -> row(rs)).findOne();
    }

    Optional<PoolRow> lock(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM vm_pools WHERE id = :id FOR UPDATE").bind("id", id).map((rs, ctx) -> row(rs))
                .findOne();
    }

    void update(Handle h, UUID id, int size, int prestarted, int perUser, String description) {
        h.createUpdate("UPDATE vm_pools SET size = :size, prestarted = :prestarted, max_desktops_per_user = :perUser, "
                        + "description = :description WHERE id = :id")
                .bind("size", size).bind("prestarted", prestarted).bind("perUser", perUser)
                .bind("description", description).bind("id", id).execute();
    }

    void markDeleting(Handle h, UUID id) {
        h.createUpdate("UPDATE vm_pools SET status = 'DELETING', size = 0, prestarted = 0 WHERE id = :id").bind("id", id).execute();
    }

    /** Removes a pool that is being removed; false when it is not (any more). */
    boolean deleteIfDeleting(Handle h, UUID id) {
        return h.createUpdate("DELETE FROM vm_pools WHERE id = :id AND status = 'DELETING'").bind("id", id).execute() == 1;
    }

    /** The pool that uses the VM as its template, if one does. */
    Optional<String> poolUsingTemplate(Handle h, UUID vmId) {
        return h.createQuery("SELECT name FROM vm_pools WHERE template_vm_id = :vm LIMIT 1").bind("vm", vmId)
                .mapTo(String.class).findOne();
    }

    private static PoolRow row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new PoolRow(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
                rs.getObject("cluster_id", UUID.class), rs.getObject("template_vm_id", UUID.class), rs.getString("type"),
                rs.getInt("size"), rs.getInt("prestarted"), rs.getInt("max_desktops_per_user"), VmPoolStatus.valueOf(rs.getString("status")),
                Rows.instant(rs, "created_at"));
    }
}
