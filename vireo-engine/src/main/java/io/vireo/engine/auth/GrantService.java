package io.vireo.engine.auth;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.ForbiddenException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Rows;
import io.vireo.model.ErrorCode;
import io.vireo.model.Grant;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import io.vireo.model.Role;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Permissions as the API manages them. Granting on an object needs MANAGE_PERMISSIONS there, and
 * the granter must itself hold there every permission of the role it grants (no one grants more than it has).
 */
public final class GrantService {
    private static final String SELECT = "SELECT p.*, r.name AS role_name, COALESCE(u.name, g.name) AS principal_name "
            + "FROM permissions p JOIN roles r ON r.id = p.role_id LEFT JOIN users u ON u.id = p.user_id "
            + "LEFT JOIN user_groups g ON g.id = p.group_id";

    private final Jdbi jdbi;
    private final PermissionService permissions;
    private final RoleService roles;
    private final UserDirectory directory;
    private final EventLog events;

    public GrantService(Jdbi jdbi, PermissionService permissions, RoleService roles, UserDirectory directory, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.permissions = requireNonNull(permissions, "permissions");
        this.roles = requireNonNull(roles, "roles");
        this.directory = requireNonNull(directory, "directory");
        this.events = requireNonNull(events, "events");
    }

    public record Created(Grant grant, boolean isNew) {
    }

    public Created create(Grant.Create request, Principal caller) {
        Fields.required("body", request);
        String principalType = Fields.oneOf("principalType", request.principalType(), "USER", "GROUP");
        UUID principalId = Fields.id("principalId", request.principalId());
        String principalName = principalType.equals("USER") ? directory.user(principalId).name()
                : directory.group(principalId).name();
        Role role = role(request);
        ObjectRef object = object(request.objectType(), request.objectId());
        permissions.require(caller, Permission.MANAGE_PERMISSIONS, object);
        checkExists(object);
        for (Permission permission : role.permissions()) {
            if (!permissions.allowed(caller, permission, object)) {
                throw new ForbiddenException(ErrorCode.FORBIDDEN, "User " + caller.name() + " may not grant role " + role.name()
                        + " on " + permissions.describe(object) + ": it does not hold " + permission + " there itself",
                        Map.of("permission", permission.name()));
            }
        }
        UUID id = UUID.randomUUID();
        boolean isNew = jdbi.inTransaction(h -> {
            int inserted = h.createUpdate("INSERT INTO permissions (id, user_id, group_id, role_id, object_type, object_id) "
                            + "VALUES (:id, CAST(:user AS uuid), CAST(:group AS uuid), :role, :type, :object) ON CONFLICT DO NOTHING")
                    .bind("id", id).bind("user", principalType.equals("USER") ? principalId : null)
                    .bind("group", principalType.equals("GROUP") ? principalId : null)
                    .bind("role", UUID.fromString(role.id())).bind("type", object.type().name()).bind("object", object.id())
                    .execute();
            if (inserted > 0) {
                events.write(h, EventLog.Entry.info("PERMISSION_GRANTED", "Role " + role.name() + " was granted to "
                        + principalType.toLowerCase() + " " + principalName + " on " + permissions.describe(object)
                        + " by " + caller.name()));
            }
            return inserted > 0;
        });
        Grant grant = jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE COALESCE(p.user_id, p.group_id) = :principal "
                        + "AND p.role_id = :role AND p.object_type = :type AND p.object_id = :object")
                .bind("principal", principalId).bind("role", UUID.fromString(role.id())).bind("type", object.type().name())
                .bind("object", object.id()).map((rs, ctx) -> toGrant(rs)).one());
        return new Created(grant, isNew);
    }

    /** The permissions on objects where the caller may manage permissions, optionally of one object or type. */
    public List<Grant> list(String objectType, String objectId, Principal caller) {
        ObjectType type = objectType == null ? null : type(objectType);
        UUID id = objectId == null ? null : Fields.id("objectId", objectId);
        List<Grant> all = jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE (CAST(:type AS text) IS NULL OR p.object_type = CAST(:type AS text))"
                        + " AND (CAST(:object AS uuid) IS NULL OR p.object_id = CAST(:object AS uuid)) ORDER BY p.object_type, p.created_at")
                .bind("type", type == null ? null : type.name()).bind("object", id).map((rs, ctx) -> toGrant(rs)).list());
        if (permissions.allowedOnSystem(caller, Permission.MANAGE_PERMISSIONS)) {
            return all;
        }
        Map<ObjectType, PermissionService.Visible> visible = new EnumMap<>(ObjectType.class);
        return all.stream().filter(grant -> grant.objectType() != ObjectType.SYSTEM && visible.computeIfAbsent(grant.objectType(),
                t -> permissions.visible(caller, Permission.MANAGE_PERMISSIONS, t)).contains(grant.objectId())).toList();
    }

    public Grant grant(UUID id, Principal caller) {
        Grant grant = find(id).orElseThrow(() -> NotFoundException.of(ErrorCode.PERMISSION_NOT_FOUND, "permission", id));
        ObjectRef object = ref(grant);
        if (!permissions.allowed(caller, Permission.MANAGE_PERMISSIONS, object)) {
            throw NotFoundException.of(ErrorCode.PERMISSION_NOT_FOUND, "permission", id);
        }
        return grant;
    }

    public void delete(UUID id, Principal caller) {
        Grant grant = grant(id, caller);
        jdbi.useTransaction(h -> {
            if (grant.objectType() == ObjectType.SYSTEM && grant.roleId().equals(BuiltInRole.SUPER_USER.id().toString())) {
                int superUsers = h.createQuery("SELECT count(*) FROM permissions WHERE role_id = :role AND object_type = 'SYSTEM'")
                        .bind("role", BuiltInRole.SUPER_USER.id()).mapTo(Integer.class).one();
                if (superUsers <= 1) {
                    throw new ConflictException(ErrorCode.ENTITY_IN_USE, "This is the last SuperUser permission on the system; "
                            + "grant SuperUser to someone else first");
                }
            }
            h.createUpdate("DELETE FROM permissions WHERE id = :id").bind("id", id).execute();
            events.write(h, EventLog.Entry.info("PERMISSION_REVOKED", "Role " + grant.roleName() + " of "
                    + grant.principalType().toLowerCase() + " " + grant.principalName() + " on "
                    + permissions.describe(ref(grant)) + " was revoked by " + caller.name()));
        });
    }

    private Optional<Grant> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE p.id = :id").bind("id", id).map((rs, ctx) -> toGrant(rs)).findOne());
    }

    private Role role(Grant.Create request) {
        if (request.roleId() != null) {
            return roles.role(Fields.id("roleId", request.roleId()));
        }
        if (request.role() != null) {
            return roles.byName(request.role());
        }
        throw InvalidInputException.missing("roleId");
    }

    private static ObjectType type(String value) {
        try {
            return ObjectType.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.invalid("objectType", "'" + value + "' is not an object type; use one of "
                    + Arrays.toString(ObjectType.values()));
        }
    }

    static ObjectRef object(String objectType, String objectId) {
        ObjectType type = type(Fields.required("objectType", objectType));
        if (type == ObjectType.SYSTEM) {
            if (objectId != null) {
                throw InvalidInputException.invalid("objectId", "A SYSTEM permission has no objectId");
            }
            return ObjectRef.SYSTEM;
        }
        return ObjectRef.of(type, Fields.id("objectId", objectId));
    }

    private void checkExists(ObjectRef object) {
        if (object.type() == ObjectType.SYSTEM) {
            return;
        }
        boolean exists = jdbi.withHandle(h -> exists(h, object));
        if (!exists) {
            throw PermissionService.notFound(object);
        }
    }

    private static boolean exists(Handle h, ObjectRef object) {
        return h.createQuery("SELECT count(*) FROM " + Hierarchy.table(object.type()) + " WHERE id = :id")
                .bind("id", object.id()).mapTo(Integer.class).one() > 0;
    }

    private static ObjectRef ref(Grant grant) {
        return grant.objectType() == ObjectType.SYSTEM ? ObjectRef.SYSTEM
                : ObjectRef.of(grant.objectType(), UUID.fromString(grant.objectId()));
    }

    private static Grant toGrant(ResultSet rs) throws SQLException {
        boolean user = rs.getObject("user_id") != null;
        ObjectType type = ObjectType.valueOf(rs.getString("object_type"));
        return new Grant(rs.getObject("id").toString(), user ? "USER" : "GROUP",
                (user ? rs.getObject("user_id") : rs.getObject("group_id")).toString(), rs.getString("principal_name"),
                rs.getObject("role_id").toString(), rs.getString("role_name"), type,
                type == ObjectType.SYSTEM ? null : rs.getObject("object_id").toString(), Rows.instant(rs, "created_at"));
    }
}
