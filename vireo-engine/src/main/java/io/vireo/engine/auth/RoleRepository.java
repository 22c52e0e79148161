package io.vireo.engine.auth;

import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.model.Permission;
import io.vireo.model.Role;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** SQL of roles and the permissions each is made of. */
final class RoleRepository {
    static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "description", new SearchQuery.Field("description", SearchQuery.Type.TEXT));
    // a role's permissions come in the same query: one round trip for the whole list
    private static final String SELECT = "SELECT r.*, "
            + "ARRAY(SELECT rp.permission FROM role_permissions rp WHERE rp.role_id = r.id) AS permissions FROM roles r";

    /** Writes a built-in role as this engine defines it, whatever an older engine wrote. */
    void upsertBuiltIn(Handle h, BuiltInRole role) {
        h.createUpdate("INSERT INTO roles (id, name, description, built_in) VALUES (:id, :name, :description, TRUE) "
                        + "ON CONFLICT (id) DO UPDATE SET name = :name, description = :description, built_in = TRUE")
                .bind("id", role.id()).bind("name", role.roleName()).bind("description", role.description()).execute();
        writePermissions(h, role.id(), role.permissions());
    }

    void insert(Handle h, UUID id, String name, String description, Set<Permission> permissions) {
        h.createUpdate("INSERT INTO roles (id, name, description) VALUES (:id, :name, :description)")
                .bind("id", id).bind("name", name).bind("description", description).execute();
        writePermissions(h, id, permissions);
    }

    /** Renames and describes the role; its permissions change too unless {@code permissions} is empty. */
    void update(Handle h, UUID id, String name, String description, Optional<Set<Permission>> permissions) {
        h.createUpdate("UPDATE roles SET name = :name, description = :description WHERE id = :id")
                .bind("id", id).bind("name", name).bind("description", description).execute();
        permissions.ifPresent(set -> writePermissions(h, id, set));
    }

    Optional<Role> find(Handle h, UUID id) {
        return h.createQuery(SELECT + " WHERE r.id = :id").bind("id", id).map((rs, ctx) -> toRole(rs)).findOne();
    }

    Optional<UUID> idByName(Handle h, String name) {
        return h.createQuery("SELECT id FROM roles WHERE name = :name").bind("name", name).mapTo(UUID.class).findOne();
    }

    /** One page of the roles that match the search: the built-in ones first, then by name. */
    List<Role> list(Handle h, Optional<String> search, Paging paging) {
        SqlPredicate where = SearchQuery.parse(search.orElse(null), SEARCH_FIELDS).predicate();
        return Pages.list(h, SELECT, where, "r.built_in DESC, r.name", paging, (rs, ctx) -> toRole(rs));
    }

    void delete(Handle h, UUID id) {
        h.createUpdate("DELETE FROM roles WHERE id = :id").bind("id", id).execute();
    }

    private static void writePermissions(Handle h, UUID roleId, Set<Permission> permissions) {
        h.createUpdate("DELETE FROM role_permissions WHERE role_id = :id").bind("id", roleId).execute();
        var batch = h.prepareBatch("INSERT INTO role_permissions (role_id, permission) VALUES (:id, :permission)");
        for (Permission permission : permissions) {
            batch.bind("id", roleId).bind("permission", permission.name()).add();
        }
        batch.execute();
    }

    private static Role toRole(ResultSet rs) throws SQLException {
        // in the order of the enum, as clients have always seen them
        List<Permission> permissions = Arrays.stream((String[]) rs.getArray("permissions").getArray())
                .map(Permission::valueOf).sorted().toList();
        return new Role(rs.getObject("id").toString(), rs.getString("name"), rs.getString("description"),
                rs.getBoolean("built_in"), permissions);
    }
}
