package io.vireo.engine.auth;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.common.Principal;
import io.vireo.engine.store.UniqueNames;
import io.vireo.model.ErrorCode;
import io.vireo.model.Permission;
import io.vireo.model.Role;
import org.jdbi.v3.core.Jdbi;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Built-in and custom roles: named permission sets. A role may be granted anywhere, so only someone
 * who holds every permission of a custom role on the system may create, change or remove it.
 */
public final class RoleService {
    private final Jdbi jdbi;
    private final RoleRepository roles = new RoleRepository();
    private final PermissionRepository grants = new PermissionRepository();
    private final EscalationGuard guard;

    public RoleService(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.guard = new EscalationGuard(jdbi);
    }

    /** Writes the built-in roles as this engine defines them (a new permission reaches SuperUser at the next start). */
    public void ensureBuiltIns() {
        jdbi.useTransaction(h -> {
            for (BuiltInRole role : BuiltInRole.values()) {
                roles.upsertBuiltIn(h, role);
            }
        });
    }

    /** Every role, the built-in ones first. */
    public List<Role> list() {
        return list(Optional.empty(), Paging.ALL);
    }

    /** One page of the roles that match the search, the built-in ones first. */
    public List<Role> list(Optional<String> search, Paging paging) {
        return jdbi.withHandle(h -> roles.list(h, search, paging));
    }

    public Role role(UUID id) {
        return jdbi.withHandle(h -> roles.find(h, id))
                .orElseThrow(() -> NotFoundException.of(ErrorCode.ROLE_NOT_FOUND, "role", id));
    }

    public Role byName(String name) {
        return role(jdbi.withHandle(h -> roles.idByName(h, name)).orElseThrow(() -> noRoleNamed(name)));
    }

    static NotFoundException noRoleNamed(String name) {
        return new NotFoundException(ErrorCode.ROLE_NOT_FOUND, "No role named " + name + " exists", Map.of("role", name));
    }

    public Role create(Role.Create request, Principal caller) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        checkNotBuiltInName(name);
        Set<Permission> permissions = permissions(Fields.required("permissions", request.permissions()));
        String description = description(request.description());
        guard.roleWith(caller, name, permissions);
        UUID id = UUID.randomUUID();
        return UniqueNames.insert(jdbi, "role", name, h -> {
            roles.insert(h, id, name, description, permissions);
            return roles.find(h, id).orElseThrow();
        });
    }

    public Role update(UUID id, Role.Update request, Principal caller) {
        Fields.required("body", request);
        Role role = editable(id, "change");
        String name = request.name() == null ? role.name() : Fields.name("name", request.name());
        if (!name.equalsIgnoreCase(role.name())) {
            checkNotBuiltInName(name);
        }
        Optional<Set<Permission>> permissions = Optional.ofNullable(request.permissions()).map(RoleService::permissions);
        String description = request.description() == null ? role.description() : description(request.description());
        // what the role has now (it may be granted to the caller) and what it would have
        guard.existingRole(caller, role, "change");
        permissions.ifPresent(wanted -> guard.roleWith(caller, role.name(), wanted));
        // a rename can take a name another role has: the same refusal as a new role's
        return UniqueNames.insert(jdbi, "role", name, h -> {
            roles.update(h, id, name, description, permissions);
            return roles.find(h, id).orElseThrow();
        });
    }

    public void delete(UUID id, Principal caller) {
        Role role = editable(id, "remove");
        guard.existingRole(caller, role, "remove");
        jdbi.useTransaction(h -> {
            int uses = grants.count(h, id);
            if (uses > 0) {
                throw new ConflictException(ErrorCode.ENTITY_IN_USE, "Role " + role.name() + " is granted in " + uses
                        + " permission(s); revoke them before removing the role", Map.of("permissions", uses));
            }
            roles.delete(h, id);
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
}
