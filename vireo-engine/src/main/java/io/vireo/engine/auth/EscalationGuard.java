package io.vireo.engine.auth;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.ForbiddenException;
import io.vireo.engine.common.Principal;
import io.vireo.model.ErrorCode;
import io.vireo.model.Group;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import io.vireo.model.Role;
import io.vireo.model.User;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Nobody makes a role, a group or a user more powerful than what it holds there itself:
 * <ul>
 * <li>a role, which may be granted anywhere, is created, changed or removed only by someone who holds
 *     every permission it has (before and after) on the system;</li>
 * <li>a role is granted on an object only by someone who holds there every permission it has;</li>
 * <li>a group gains or loses members, or is removed, only through someone who holds every permission
 *     granted to the group, where it is granted;</li>
 * <li>a user is changed (a new password would let the caller become it), disabled or removed only by
 *     someone who holds at least what that user holds, wherever it holds it.</li>
 * </ul>
 * Each refusal is 403 {@code PERMISSION_NOT_HELD} naming the permission and where it is missing.
 * Apart from that, no change may leave the system without an enabled SuperUser.
 */
final class EscalationGuard {
    private final Jdbi jdbi;
    private final PermissionService permissions;
    private final PermissionRepository grants = new PermissionRepository();

    EscalationGuard(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.permissions = new PermissionService(jdbi);
    }

    /** A role (new or changed) that is to have these permissions. */
    void roleWith(Principal caller, String roleName, Collection<Permission> permissions) {
        missing(caller, permissions, ObjectRef.SYSTEM).ifPresent(permission -> {
            throw refusal("User " + caller.name() + " may not give role " + roleName + " the permission " + permission
                    + ": " + caller.name() + " does not hold it on the system", permission, ObjectRef.SYSTEM);
        });
    }

    /** A role as it is, to be changed or removed ({@code verb}). */
    void existingRole(Principal caller, Role role, String verb) {
        missing(caller, role.permissions(), ObjectRef.SYSTEM).ifPresent(permission -> {
            throw refusal("User " + caller.name() + " may not " + verb + " role " + role.name() + ": it has " + permission
                    + ", which " + caller.name() + " does not hold on the system", permission, ObjectRef.SYSTEM);
        });
    }

    void grant(Principal caller, Role role, ObjectRef object) {
        missing(caller, role.permissions(), object).ifPresent(permission -> {
            throw refusal("User " + caller.name() + " may not grant role " + role.name() + " on " + permissions.describe(object)
                    + ": it does not hold " + permission + " there itself", permission, object);
        });
    }

    /** {@code verb} is what the caller would do: "change", "disable", "remove". */
    void user(Principal caller, User target, String verb) {
        UUID id = UUID.fromString(target.id());
        if (id.equals(caller.id())) {
            return;
        }
        jdbi.withHandle(h -> grants.beyondCaller(h, caller, id)).ifPresent(holding -> {
            throw refusal("User " + caller.name() + " may not " + verb + " user " + target.name() + ": " + target.name()
                    + " holds " + holding.permission() + " on " + permissions.describe(holding.object()) + ", which "
                    + caller.name() + " does not hold there", holding.permission(), holding.object());
        });
    }

    /** {@code verb} is what the caller would do: "add members to", "take members out of", "remove". */
    void group(Principal caller, Group target, String verb) {
        jdbi.withHandle(h -> grants.beyondCallerInGroup(h, caller, UUID.fromString(target.id()))).ifPresent(holding -> {
            throw refusal("User " + caller.name() + " may not " + verb + " group " + target.name() + ": the group holds "
                    + holding.permission() + " on " + permissions.describe(holding.object()) + ", which " + caller.name()
                    + " does not hold there", holding.permission(), holding.object());
        });
    }

    /**
     * Makes the change in the caller's transaction and refuses it (the transaction rolls back) when
     * it took away the last enabled user who is SuperUser on the system. {@code what} starts the
     * sentence: "Disabling user admin".
     */
    <T> T keepingASuperUser(Handle h, String what, Supplier<T> change) {
        int before = grants.enabledSuperUsers(h);
        T result = change.get();
        if (before > 0 && grants.enabledSuperUsers(h) == 0) {
            throw new ConflictException(ErrorCode.ENTITY_IN_USE, what + " would leave no enabled user who is SuperUser on "
                    + "the system; make someone else SuperUser first", Map.of("role", BuiltInRole.SUPER_USER.roleName()));
        }
        return result;
    }

    /** The first permission of the set that the caller does not hold on the object, if any. */
    private Optional<Permission> missing(Principal caller, Collection<Permission> wanted, ObjectRef object) {
        Set<Permission> lacking = wanted.isEmpty() ? EnumSet.noneOf(Permission.class) : EnumSet.copyOf(wanted);
        lacking.removeAll(jdbi.withHandle(h -> grants.heldOn(h, caller, object)));
        return lacking.stream().findFirst();
    }

    private static ForbiddenException refusal(String sentence, Permission permission, ObjectRef object) {
        return new ForbiddenException(ErrorCode.PERMISSION_NOT_HELD, sentence, Map.of("permission", permission.name(),
                "objectType", object.type().name(), "objectId", object.type() == ObjectType.SYSTEM ? "" : object.id().toString()));
    }
}
