package io.vireo.engine.auth;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.store.Rows;
import io.vireo.model.ErrorCode;
import io.vireo.model.Permission;
import io.vireo.model.Role;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** Built-in and custom roles: named permission sets. */
public final class RoleService {
    private final Jdbi jdbi;

    public RoleService(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    /** Writes the built-in roles as this engine defines them (a new permission reaches SuperUser at the next start). */
    public void ensureBuiltIns() {
        jdbi.useTransaction(h -> {
            for (BuiltInRole role : BuiltInRole.values()) {
                h.createUpdate("INSERT INTO roles (id, name, description, built_in) VALUES (:id, :name, :description, TRUE) "
                                + "ON CONFLICT (id) DO UPDATE SET name = :name, description = :description, built_in = TRUE")
                        .bind("id", role.id()).bind("name", role.roleName()).bind("description", role.description()).execute();
                writePermissions(h, role.id(), role.permissions());
            }
        });
    }

    public List<Role> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM roles ORDER BY built_in DESC, name")
                .map((rs, ctx) -> new Role(rs.getObject("id").toString(), rs.getString("name"), rs.getString("description"),
                        rs.getBoolean("built_in"), List.of())).list()
                .stream().map(role -> withPermissions(h, role)).toList());
    }

    public Role role(UUID id) {
        return jdbi.withHandle(h -> find(h, id)).orElseThrow(() -> NotFoundException.of(ErrorCode.ROLE_NOT_FOUND, "role", id));
    }

    public Role byName(String name) {
        UUID id = jdbi.withHandle(h -> h.createQuery("SELECT id FROM roles WHERE name = :name").bind("name", name)
                .mapTo(UUID.class).findOne()).orElseThrow(() -> new NotFoundException(ErrorCode.ROLE_NOT_FOUND,
                "No role named " + name + " exists", Map.of("role", name)));
        return role(id);
    }

    public Role create(Role.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        checkNotBuiltInName(name);
        Set<Permission> permissions = permissions(Fields.required("permissions", request.permissions()));
        UUID id = UUID.randomUUID();
        insertOrUpdate(name, h -> {
            h.createUpdate("INSERT INTO roles (id, name, description) VALUES (:id, :name, :description)")
                    .bind("id", id).bind("name", name).bind("description", description(request.description())).execute();
            writePermissions(h, id, permissions);
        });
        return role(id);
    }

    public Role update(UUID id, Role.Update request) {
        Fields.required("body", request);
        Role role = editable(id, "change");
        String name = request.name() == null ? role.name() : Fields.name("name", request.name());
        if (!name.equalsIgnoreCase(role.name())) {
            checkNotBuiltInName(name);
        }
        Set<Permission> permissions = request.permissions() == null ? null : permissions(request.permissions());
        String description = request.description() == null ? role.description() : description(request.description());
        insertOrUpdate(name, h -> {
            h.createUpdate("UPDATE roles SET name = :name, description = :description WHERE id = :id")
                    .bind("id", id).bind("name", name).bind("description", description).execute();
            if (permissions != null) {
                writePermissions(h, id, permissions);
            }
        });
        return role(id);
    }

    public void delete(UUID id) {
        Role role = editable(id, "remove");
        jdbi.useTransaction(h -> {
            int uses = h.createQuery("SELECT count(*) FROM permissions WHERE role_id = :id").bind("id", id).mapTo(Integer.class).one();
            if (uses > 0) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Role " + role.name() + " is granted in " + uses
                        + " permission(s); revoke them before removing the role", Map.of("permissions", uses));
            }
            h.createUpdate("DELETE FROM roles WHERE id = :id").bind("id", id).execute();
        });
    }

    private Role editable(UUID id, String verb) {
        Role role = role(id);
        if (role.builtIn()) {
            throw new ConflictException(ErrorCode.ROLE_BUILT_IN, "Role " + role.name() + " is built in: it cannot be " + verb
                    + "d; create a custom role instead", Map.of("roleId", role.id()));
        }
        return role;
    }

    private void insertOrUpdate(String name, java.util.function.Consumer<Handle> write) {
        try {
            jdbi.useTransaction(write::accept);
        } catch (RuntimeException e) {
            if (Rows.isUniqueViolation(e)) {
                throw new ConflictException(ErrorCode.DUPLICATE_NAME, "A role named " + name + " exists already", Map.of("name", name));
            }
            throw e;
        }
    }

    private static void checkNotBuiltInName(String name) {
        if (BuiltInRole.isBuiltInName(name)) {
            throw new ConflictException(ErrorCode.DUPLICATE_NAME, "The name " + name + " belongs to a built-in role",
                    Map.of("name", name));
        }
    }

    private static String description(String description) {
        if (description != null && description.length() > 1000) {
            throw InvalidInputException.invalid("description", "The description is longer than 1000 characters");
        }
        return description == null ? "" : description;
    }

    static Set<Permission> permissions(List<String> names) {
        if (names.isEmpty()) {
            throw InvalidInputException.invalid("permissions", "A role needs at least one permission");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String name : names) {
            try {
                permissions.add(Permission.valueOf(String.valueOf(name)));
            } catch (IllegalArgumentException e) {
                throw InvalidInputException.invalid("permissions", "'" + name + "' is not a permission; known: "
                        + Arrays.toString(Permission.values()));
            }
        }
        return permissions;
    }

    private static void writePermissions(Handle h, UUID roleId, Set<Permission> permissions) {
        h.createUpdate("DELETE FROM role_permissions WHERE role_id = :id").bind("id", roleId).execute();
        var batch = h.prepareBatch("INSERT INTO role_permissions (role_id, permission) VALUES (:id, :permission)");
        for (Permission permission : permissions) {
            batch.bind("id", roleId).bind("permission", permission.name()).add();
        }
        batch.execute();
    }

    private static java.util.Optional<Role> find(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM roles WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> new Role(rs.getObject("id").toString(), rs.getString("name"), rs.getString("description"),
                        rs.getBoolean("built_in"), List.of())).findOne().map(role -> withPermissions(h, role));
    }

    private static Role withPermissions(Handle h, Role role) {
        List<Permission> permissions = new ArrayList<>(h.createQuery("SELECT permission FROM role_permissions WHERE role_id = :id")
                .bind("id", UUID.fromString(role.id())).mapTo(String.class).list().stream().map(Permission::valueOf).toList());
        permissions.sort(null);
        return new Role(role.id(), role.name(), role.description(), role.builtIn(), permissions);
    }
}
