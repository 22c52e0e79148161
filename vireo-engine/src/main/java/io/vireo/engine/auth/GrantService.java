package io.vireo.engine.auth;

import io.vireo.engine.common.Fields;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.common.Principal;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Visibility;
import io.vireo.model.ErrorCode;
import io.vireo.model.Grant;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import io.vireo.model.Role;
import org.jdbi.v3.core.Jdbi;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Permissions as the API manages them. Granting on an object needs MANAGE_PERMISSIONS there, and
 * the granter must itself hold there every permission of the role it grants (no one grants more than it has).
 */
public final class GrantService {
    private final Jdbi jdbi;
    private final PermissionService permissions;
    private final RoleService roles;
    private final UserDirectory directory;
    private final EventLog events;
    private final PermissionRepository grants = new PermissionRepository();
    private final EscalationGuard guard;

    public GrantService(Jdbi jdbi, PermissionService permissions, RoleService roles, UserDirectory directory, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.permissions = requireNonNull(permissions, "permissions");
        this.roles = requireNonNull(roles, "roles");
        this.directory = requireNonNull(directory, "directory");
        this.events = requireNonNull(events, "events");
        this.guard = new EscalationGuard(jdbi);
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
        guard.grant(caller, role, object);
        UUID id = UUID.randomUUID();
        UUID roleId = UUID.fromString(role.id());
        String described = permissions.describe(object);
        return jdbi.inTransaction(h -> {
            boolean isNew = grants.insert(h, id, principalId, principalType.equals("GROUP"), roleId, object);
            if (isNew) {
                events.write(h, EventLog.Entry.info("PERMISSION_GRANTED", "Role " + role.name() + " was granted to "
                        + principalType.toLowerCase() + " " + principalName + " on " + described + " by " + caller.name()));
            }
            return new Created(grants.find(h, principalId, roleId, object).orElseThrow(), isNew);
        });
    }

    /**
     * One page of the permissions on objects where the caller may manage permissions, optionally of
     * one object type or one object, that match the search; by object type, then oldest first.
     */
    public List<Grant> list(Optional<String> objectType, Optional<String> objectId, Principal caller, Optional<String> search,
                            Paging paging) {
        Optional<ObjectType> type = objectType.map(GrantService::type);
        Optional<UUID> id = objectId.map(value -> Fields.id("objectId", value));
        Function<ObjectType, Visibility> manageable = manageable(caller);
        return jdbi.withHandle(h -> grants.list(h, type, id, manageable, search, paging));
    }

    /** Where the caller may manage permissions: everywhere, or the objects below its grants of MANAGE_PERMISSIONS. */
    private Function<ObjectType, Visibility> manageable(Principal caller) {
        if (permissions.allowedOnSystem(caller, Permission.MANAGE_PERMISSIONS)) {
            return type -> Visibility.ALL;
        }
        return type -> type == ObjectType.SYSTEM ? Visibility.NONE : grants.granted(caller, Permission.MANAGE_PERMISSIONS, type);
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
        String described = permissions.describe(ref(grant));
        jdbi.useTransaction(h -> {
            guard.keepingASuperUser(h, "Revoking role " + grant.roleName() + " of " + grant.principalType().toLowerCase() + " "
                    + grant.principalName() + " on " + described, () -> grants.delete(h, id));
            events.write(h, EventLog.Entry.info("PERMISSION_REVOKED", "Role " + grant.roleName() + " of "
                    + grant.principalType().toLowerCase() + " " + grant.principalName() + " on " + described
                    + " was revoked by " + caller.name()));
        });
    }

    private Optional<Grant> find(UUID id) {
        return jdbi.withHandle(h -> grants.find(h, id));
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
        if (!jdbi.withHandle(h -> grants.exists(h, object))) {
            throw PermissionService.notFound(object);
        }
    }

    private static ObjectRef ref(Grant grant) {
        return grant.objectType() == ObjectType.SYSTEM ? ObjectRef.SYSTEM
                : ObjectRef.of(grant.objectType(), UUID.fromString(grant.objectId()));
    }
}
