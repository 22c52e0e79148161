package io.vireo.engine.auth;

import io.vireo.engine.common.ForbiddenException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.ErrorCode;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Who may do what on which object: a role granted to a user, or to a group it is in, on an object
 * holds on that object and on everything below it (see {@link io.vireo.model.ObjectType}). Every
 * check is one query, and so is every list filter, whatever the number of objects.
 *
 * <p>An object the principal may not even see answers 404 as a missing one would (its existence is
 * not leaked); one it sees but may not act on answers 403.
 */
public final class PermissionService {
    /**
     * The PostgreSQL channel notified in the transaction of whatever can take access away: a grant revoked, a
     * role losing a permission, a user leaving a group, disabled or deleted (triggers of migration V16).
     */
    public static final String ACCESS_CHANGED_CHANNEL = "access_changed";

    private final Jdbi jdbi;
    private final PermissionRepository grants = new PermissionRepository();
    private final RoleRepository roles = new RoleRepository();
    private final UserRepository users = new UserRepository();

    public PermissionService(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    public boolean allowed(Principal principal, Permission permission, ObjectRef object) {
        return jdbi.withHandle(h -> grants.allowed(h, principal, permission, object));
    }

    /**
     * Whether the user holds the permission on the object now: it exists, is enabled, and holds it through
     * its own grants or the groups it is in at this moment (not when some earlier request began).
     */
    public boolean allowedNow(UUID userId, Permission permission, ObjectRef object) {
        return jdbi.withHandle(h -> users.enabledPrincipal(h, userId)
                .map(principal -> grants.allowed(h, principal, permission, object)).orElse(false));
    }

    /**
     * Refuses unless the principal holds the permission on the object: 404 (the type's NOT_FOUND
     * code, as if it did not exist) when it may not see it, 403 when it sees it but may not do this.
     */
    public void require(Principal principal, Permission permission, ObjectRef object) {
        if (allowed(principal, permission, object)) {
            return;
        }
        if (object.type() != ObjectType.SYSTEM && (permission == Permission.VIEW || !sees(principal, object))) {
            throw notFound(object);
        }
        throw forbidden(principal, permission, object);
    }

    /** Whether the object is shown to the principal: VIEW, or for a pool also USE_POOL (its users see it, not its desktops). */
    public boolean sees(Principal principal, ObjectRef object) {
        return allowed(principal, Permission.VIEW, object)
                || object.type() == ObjectType.VM_POOL && allowed(principal, Permission.USE_POOL, object);
    }

    /** Like {@link #require} on an id the client sent: nothing is checked when it is absent or not an id (the service refuses it). */
    public void requireOnParent(Principal principal, Permission permission, ObjectType type, String id) {
        if (id == null) {
            return;
        }
        UUID parsed;
        try {
            parsed = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return;
        }
        require(principal, permission, ObjectRef.of(type, parsed));
    }

    /** Whether the principal holds every permission on the system (what the SuperUser role gives). */
    public boolean holdsEverything(Principal principal) {
        return jdbi.withHandle(h -> grants.heldOn(h, principal, ObjectRef.SYSTEM)).containsAll(EnumSet.allOf(Permission.class));
    }

    public boolean allowedOnSystem(Principal principal, Permission permission) {
        return allowed(principal, permission, ObjectRef.SYSTEM);
    }


    /** The objects of the type on which the principal holds the permission, for a repository to filter its rows by. */
    public Visibility visibility(Principal principal, Permission permission, ObjectType type) {
        if (allowedOnSystem(principal, permission)) {
            return Visibility.ALL;
        }
        return grants.granted(principal, permission, type);
    }

    /** What a list shows the principal: objects it may VIEW (and pools it may use). */
    public Visibility viewable(Principal principal, ObjectType type) {
        Visibility viewable = visibility(principal, Permission.VIEW, type);
        if (type == ObjectType.VM_POOL && !viewable.all()) {
            return viewable.or(visibility(principal, Permission.USE_POOL, type));
        }
        return viewable;
    }



    /** Every permission the user holds on some object, itself or through a group. */
    public Set<Permission> heldAnywhere(UUID userId) {
        return jdbi.withHandle(h -> grants.heldAnywhere(h, userId));
    }

    /**
     * Grants a role to a user on an object; answers the permission's id. Granting what the user
     * already holds there changes nothing and answers the existing id.
     */
    public UUID grant(UUID userId, String roleName, ObjectType objectType, UUID objectId) {
        return jdbi.inTransaction(h -> grant(h, userId, roles.idByName(h, roleName)
                .orElseThrow(() -> RoleService.noRoleNamed(roleName)), ObjectRef.of(objectType, objectId)));
    }

    /** The same inside the caller's transaction (e.g. the VM that its creator will own). */
    public UUID grant(Handle h, UUID userId, BuiltInRole role, ObjectRef object) {
        return grant(h, userId, role.id(), object);
    }

    private UUID grant(Handle h, UUID userId, UUID roleId, ObjectRef object) {
        grants.insert(h, UUID.randomUUID(), userId, false, roleId, object);
        return UUID.fromString(grants.find(h, userId, roleId, object).orElseThrow().id());
    }

    /**
     * Removes every permission granted on the object, or only the user's when a user is named
     * (a desktop taken back from its user); answers how many were removed.
     */
    public int revokeAll(ObjectType objectType, UUID objectId, UUID userId) {
        return jdbi.withHandle(h -> revokeAll(h, objectType, objectId, userId));
    }

    public int revokeAll(Handle h, ObjectType objectType, UUID objectId, UUID userId) {
        return grants.deleteOn(h, ObjectRef.of(objectType, objectId), Optional.ofNullable(userId));
    }

    /** The name of the object, for messages; its id when it has none (or is gone). */
    String describe(ObjectRef object) {
        if (object.type() == ObjectType.SYSTEM) {
            return "the system";
        }
        String name = jdbi.withHandle(h -> grants.name(h, object)).orElse(object.id().toString());
        return kind(object.type()) + " " + name;
    }

    public static DomainException notFound(ObjectRef object) {
        ErrorCode code = switch (object.type()) {
            case DATA_CENTER -> ErrorCode.DATA_CENTER_NOT_FOUND;
            case CLUSTER -> ErrorCode.CLUSTER_NOT_FOUND;
            case HOST -> ErrorCode.HOST_NOT_FOUND;
            case STORAGE_DOMAIN -> ErrorCode.STORAGE_DOMAIN_NOT_FOUND;
            case DISK -> ErrorCode.DISK_NOT_FOUND;
            case VM -> ErrorCode.VM_NOT_FOUND;
            case VM_POOL -> ErrorCode.POOL_NOT_FOUND;
            case SYSTEM -> ErrorCode.NOT_FOUND;
        };
        return NotFoundException.of(code, kind(object.type()), object.id());
    }

    private DomainException forbidden(Principal principal, Permission permission, ObjectRef object) {
        return new ForbiddenException(ErrorCode.FORBIDDEN, "User " + principal.name() + " may not " + action(permission, object.type()) + " "
                + describe(object) + " (that needs the " + permission + " permission)",
                Map.of("permission", permission.name(), "objectType", object.type().name(),
                        "objectId", object.type() == ObjectType.SYSTEM ? "" : object.id().toString()));
    }

    static String kind(ObjectType type) {
        return switch (type) {
            case SYSTEM -> "system";
            case DATA_CENTER -> "data center";
            case CLUSTER -> "cluster";
            case VM_POOL -> "pool";
            case VM -> "VM";
            case HOST -> "host";
            case STORAGE_DOMAIN -> "storage domain";
            case DISK -> "disk";
        };
    }

    private static String action(Permission permission, ObjectType on) {
        ObjectType managed = switch (permission) {
            case MANAGE_HOSTS -> ObjectType.HOST;
            case MANAGE_STORAGE -> ObjectType.STORAGE_DOMAIN;
            case MANAGE_CLUSTER -> ObjectType.CLUSTER;
            case MANAGE_DATA_CENTER -> ObjectType.DATA_CENTER;
            case MANAGE_POOLS -> ObjectType.VM_POOL;
            default -> null;
        };
        if (managed == on) {
            return "manage";
        }
        return switch (permission) {
            case VIEW -> "see";
            case CREATE_VM -> "create VMs in";
            case EDIT_VM -> "change";
            case DELETE_VM -> "remove";
            case VM_POWER -> "start, stop or otherwise power";
            case VM_CONSOLE -> "open the console of";
            case MIGRATE_VM -> "migrate";
            case CREATE_DISK -> "create disks in";
            case MANAGE_DISKS -> "attach or remove";
            case MANAGE_HOSTS -> "manage hosts in";
            case MANAGE_STORAGE -> "manage storage in";
            case MANAGE_CLUSTER -> "manage clusters in";
            case MANAGE_DATA_CENTER -> "manage data centers in";
            case MANAGE_AFFINITY -> "manage affinity groups in";
            case MANAGE_POOLS -> "manage pools in";
            case USE_POOL -> "take a desktop from";
            case MANAGE_USERS -> "manage users and groups in";
            case MANAGE_PERMISSIONS -> "manage permissions and roles on";
        };
    }
}
