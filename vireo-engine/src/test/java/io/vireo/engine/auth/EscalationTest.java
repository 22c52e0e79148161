package io.vireo.engine.auth;

import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.ForbiddenException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.common.Principal;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;
import io.vireo.model.ErrorCode;
import io.vireo.model.Grant;
import io.vireo.model.Group;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import io.vireo.model.Role;
import io.vireo.model.User;
import org.assertj.core.api.ThrowableAssert;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Nobody makes a role, a group or a user more powerful than itself, on a real PostgreSQL: each way
 * up that a holder of MANAGE_PERMISSIONS or MANAGE_USERS had is refused with 403 PERMISSION_NOT_HELD
 * and changes nothing, and nothing takes the last enabled SuperUser away.
 */
class EscalationTest {
    private static final String PASSWORD = "password-of-everyone";

    private final Database database = TestDatabase.fresh();
    private final Jdbi jdbi = database.jdbi();
    private final EventLog events = new EventLog(jdbi);
    private final PasswordHasher hasher = new PasswordHasher(1024, 1);
    private final RoleService roles = new RoleService(jdbi);
    private final PermissionService permissions = new PermissionService(jdbi);
    private final UserDirectory directory = new UserDirectory(jdbi, hasher, events);
    private final GrantService grants = new GrantService(jdbi, permissions, roles, directory, events);
    private final AuthService auth = new AuthService(jdbi, hasher, Clock.systemUTC(), LoginLimits.DEFAULTS);
    private final DataCenterService dataCenters = new DataCenterService(jdbi, events);

    private final UUID dc1;
    private final UUID c1;
    private final UUID c2;
    private final Principal root;

    EscalationTest() {
        roles.ensureBuiltIns();
        DataCenter first = dataCenters.createDataCenter(new DataCenter.Create("dc1", null));
        DataCenter second = dataCenters.createDataCenter(new DataCenter.Create("dc2", null));
        dc1 = UUID.fromString(first.id());
        c1 = UUID.fromString(dataCenters.createCluster(new Cluster.Create("c1", first.id(), null, null)).id());
        c2 = UUID.fromString(dataCenters.createCluster(new Cluster.Create("c2", second.id(), null, null)).id());
        root = user("root");
        permissions.grant(root.id(), "SuperUser", ObjectType.SYSTEM, null);
        roles.create(new Role.Create("user-manager", null, List.of("VIEW", "MANAGE_USERS")), root);
        roles.create(new Role.Create("watcher", null, List.of("VIEW")), root);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aRoleGrantedToItsEditorGetsNoPermissionItsEditorLacks() {
        // the finding: MANAGE_PERMISSIONS on the system, through a role that its holder may edit
        Role manager = roles.create(new Role.Create("permission-manager", null, List.of("VIEW", "MANAGE_PERMISSIONS")), root);
        Principal bob = user("bob");
        permissions.grant(bob.id(), manager.name(), ObjectType.SYSTEM, null);
        UUID managerId = UUID.fromString(manager.id());

        notHeld(() -> roles.update(managerId, new Role.Update(null, null,
                List.of("VIEW", "MANAGE_PERMISSIONS", "MANAGE_USERS")), bob), "MANAGE_USERS",
                "User bob may not give role permission-manager the permission MANAGE_USERS: bob does not hold it on the system");
        assertThat(roles.role(managerId).permissions()).containsExactly(Permission.VIEW, Permission.MANAGE_PERMISSIONS);
        assertThat(permissions.allowedOnSystem(bob, Permission.MANAGE_USERS)).isFalse();
        // within what it holds, it may change the role, and make others
        assertThat(roles.update(managerId, new Role.Update(null, "grants roles", null), bob).description()).isEqualTo("grants roles");
        Role watcher = roles.create(new Role.Create("viewer", null, List.of("VIEW")), bob);
        notHeld(() -> roles.create(new Role.Create("migrator", null, List.of("VIEW", "MIGRATE_VM")), bob), "MIGRATE_VM",
                "may not give role migrator the permission MIGRATE_VM");
        assertThat(roles.list()).extracting(Role::name).doesNotContain("migrator");
        notHeld(() -> roles.update(UUID.fromString(watcher.id()), new Role.Update(null, null, List.of("VM_POWER")), bob),
                "VM_POWER", "may not give role viewer the permission VM_POWER");
        // and it may neither change nor remove a role that has more than it holds
        Role userManager = roles.byName("user-manager");
        notHeld(() -> roles.update(UUID.fromString(userManager.id()), new Role.Update("harmless", null, null), bob),
                "MANAGE_USERS", "User bob may not change role user-manager: it has MANAGE_USERS, which bob does not hold on the system");
        notHeld(() -> roles.delete(UUID.fromString(userManager.id()), bob), "MANAGE_USERS", "may not remove role user-manager");
        assertThat(roles.role(UUID.fromString(userManager.id())).name()).isEqualTo("user-manager");
    }

    @Test
    void aRoleIsGrantedOnlyWhereItsGranterHoldsEveryPermissionOfIt() {
        Principal clusterAdmin = user("clusteradmin");
        Principal alice = user("alice");
        permissions.grant(clusterAdmin.id(), "ClusterAdmin", ObjectType.CLUSTER, c1);

        assertThat(grant(clusterAdmin, alice, "ClusterAdmin", ObjectType.CLUSTER, c1).isNew()).isTrue();
        notHeld(() -> grant(clusterAdmin, alice, "DataCenterAdmin", ObjectType.CLUSTER, c1), "CREATE_DISK",
                "User clusteradmin may not grant role DataCenterAdmin on cluster c1: it does not hold CREATE_DISK there itself");
        // alice now holds ClusterAdmin on c1 too, so it may not lift clusteradmin above it either
        notHeld(() -> grant(alice, clusterAdmin, "DataCenterAdmin", ObjectType.CLUSTER, c1), "CREATE_DISK", "alice");
        assertThat(permissions.allowed(alice, Permission.CREATE_DISK, ObjectRef.cluster(c1))).isFalse();
    }

    @Test
    void aUserManagerMayNotTakeOverDisableOrRemoveAUserWhoHoldsMore() {
        Principal helpdesk = userManager("helpdesk");
        User rootUser = directory.user(root.id());

        notHeld(() -> directory.update(root.id(), new User.Update(null, null, "taken-over-password", null), helpdesk),
                "CREATE_VM", "User helpdesk may not change user root: root holds CREATE_VM on the system, "
                        + "which helpdesk does not hold there");
        notHeld(() -> directory.update(root.id(), new User.Update(null, null, null, false), helpdesk), "CREATE_VM",
                "may not disable user root");
        notHeld(() -> directory.delete(root.id(), helpdesk), "CREATE_VM", "may not remove user root");
        // nothing changed: root is there, enabled, with its old password
        assertThat(directory.user(root.id())).isEqualTo(rootUser);
        assertThat(auth.login("password", "root", PASSWORD, "10.0.0.1").access_token()).isNotBlank();
        assertThatThrownBy(() -> auth.login("password", "root", "taken-over-password", "10.0.0.1"))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_GRANT));

        // the same for a user who holds less than root, yet something helpdesk lacks where it holds it
        Principal owner = user("owner");
        permissions.grant(owner.id(), "UserVmManager", ObjectType.CLUSTER, c1);
        notHeld(() -> directory.update(owner.id(), new User.Update(null, null, "another-password", null), helpdesk),
                "EDIT_VM", "User helpdesk may not change user owner: owner holds EDIT_VM on cluster c1");
        // a user who holds no more than helpdesk is helpdesk's to manage (VIEW on the system covers VIEW on c1)
        Principal viewer = user("viewer");
        permissions.grant(viewer.id(), "watcher", ObjectType.CLUSTER, c1);
        directory.update(viewer.id(), new User.Update(null, null, "a-new-password", false), helpdesk);
        assertThat(directory.user(viewer.id()).enabled()).isFalse();
        directory.delete(viewer.id(), helpdesk);
    }

    @Test
    void aPermissionHeldAboveTheObjectCoversItAndOneElsewhereDoesNot() {
        Principal helpdesk = userManager("helpdesk");
        permissions.grant(helpdesk.id(), "DataCenterAdmin", ObjectType.DATA_CENTER, dc1);
        Principal inside = user("inside");
        permissions.grant(inside.id(), "ClusterAdmin", ObjectType.CLUSTER, c1);
        Principal outside = user("outside");
        permissions.grant(outside.id(), "ClusterAdmin", ObjectType.CLUSTER, c2);

        directory.update(inside.id(), new User.Update("Inside", null, null, null), helpdesk);
        notHeld(() -> directory.update(outside.id(), new User.Update("Outside", null, null, null), helpdesk), "CREATE_VM",
                "outside holds CREATE_VM on cluster c2, which helpdesk does not hold there");
        // through a group, the same
        Group group = directory.createGroup(new Group.Create("c2-admins", null));
        Principal member = user("member");
        directory.addMember(UUID.fromString(group.id()), member.id().toString(), root);
        grants.create(new Grant.Create("GROUP", group.id(), null, "ClusterAdmin", "CLUSTER", c2.toString()), root);
        notHeld(() -> directory.update(member.id(), new User.Update(null, null, "member-password", null), helpdesk),
                "CREATE_VM", "member holds CREATE_VM on cluster c2");
    }

    @Test
    void aUserManagerMayNotJoinAGroupThatHoldsMoreNorChangeIt() {
        Principal helpdesk = userManager("helpdesk");
        Principal carol = user("carol");
        Group admins = directory.createGroup(new Group.Create("admins", "SuperUsers"));
        UUID adminsId = UUID.fromString(admins.id());
        grants.create(new Grant.Create("GROUP", admins.id(), null, "SuperUser", "SYSTEM", null), root);
        directory.addMember(adminsId, root.id().toString(), root);

        notHeld(() -> directory.addMember(adminsId, helpdesk.id().toString(), helpdesk), "CREATE_VM",
                "User helpdesk may not add members to group admins: the group holds CREATE_VM on the system, "
                        + "which helpdesk does not hold there");
        notHeld(() -> directory.addMember(adminsId, carol.id().toString(), helpdesk), "CREATE_VM", "admins");
        notHeld(() -> directory.removeMember(adminsId, root.id(), helpdesk), "CREATE_VM",
                "may not take members out of group admins");
        notHeld(() -> directory.deleteGroup(adminsId, helpdesk), "CREATE_VM", "may not remove group admins");
        assertThat(directory.group(adminsId).memberIds()).containsExactly(root.id().toString());
        assertThat(permissions.allowedOnSystem(helpdesk, Permission.MANAGE_PERMISSIONS)).isFalse();

        // a group that holds no more than helpdesk is helpdesk's to manage
        Group viewers = directory.createGroup(new Group.Create("viewers", null));
        grants.create(new Grant.Create("GROUP", viewers.id(), null, "watcher", "CLUSTER", c1.toString()), root);
        directory.addMember(UUID.fromString(viewers.id()), carol.id().toString(), helpdesk);
        directory.removeMember(UUID.fromString(viewers.id()), carol.id(), helpdesk);
        directory.deleteGroup(UUID.fromString(viewers.id()), helpdesk);
    }

    @Test
    void nothingTakesTheLastEnabledSuperUserAway() {
        Group admins = directory.createGroup(new Group.Create("admins", null));
        UUID adminsId = UUID.fromString(admins.id());
        Principal deputy = user("deputy");
        directory.addMember(adminsId, deputy.id().toString(), root);
        Grant groupGrant = grants.create(new Grant.Create("GROUP", admins.id(), null, "SuperUser", "SYSTEM", null), root).grant();
        Grant rootGrant = grants.list(Optional.of("SYSTEM"), Optional.empty(), root, Optional.of("principal=root"), Paging.ALL)
                .getFirst();

        // two SuperUsers (root itself, deputy through admins): one may go
        grants.delete(UUID.fromString(rootGrant.id()), deputy);
        // deputy is the last one now, in every way it could be taken away
        lastSuperUser(() -> directory.update(deputy.id(), new User.Update(null, null, null, false), deputy), "Disabling user deputy");
        lastSuperUser(() -> directory.removeMember(adminsId, deputy.id(), deputy), "Taking user deputy out of group admins");
        lastSuperUser(() -> directory.deleteGroup(adminsId, deputy), "Removing group admins");
        lastSuperUser(() -> grants.delete(UUID.fromString(groupGrant.id()), deputy), "Revoking role SuperUser of group admins");
        Principal other = user("other");
        permissions.grant(other.id(), "SuperUser", ObjectType.SYSTEM, null);
        directory.update(other.id(), new User.Update(null, null, null, false), deputy);
        lastSuperUser(() -> directory.delete(deputy.id(), other), "Removing user deputy");
        // all of it stayed
        assertThat(directory.user(deputy.id()).enabled()).isTrue();
        assertThat(permissions.allowedOnSystem(deputy, Permission.MANAGE_USERS)).isTrue();
        // with another enabled SuperUser, deputy may go
        directory.update(other.id(), new User.Update(null, null, null, true), deputy);
        directory.update(deputy.id(), new User.Update(null, null, null, false), other);
        assertThat(directory.user(deputy.id()).enabled()).isFalse();
    }

    private GrantService.Created grant(Principal by, Principal to, String role, ObjectType type, UUID objectId) {
        return grants.create(new Grant.Create("USER", to.id().toString(), null, role, type.name(), objectId.toString()), by);
    }

    /** A user that manages users (and sees everything) on the system, as a help desk would. */
    private Principal userManager(String name) {
        Principal principal = user(name);
        permissions.grant(principal.id(), "user-manager", ObjectType.SYSTEM, null);
        return principal;
    }

    private Principal user(String name) {
        User user = directory.create(new User.Create(name, PASSWORD, null, null));
        return new Principal(UUID.fromString(user.id()), name, Set.of());
    }

    private static void notHeld(ThrowableAssert.ThrowingCallable action, String permission, String message) {
        assertThatThrownBy(action).isInstanceOfSatisfying(ForbiddenException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_NOT_HELD);
            assertThat(e.getMessage()).contains(message);
            assertThat(e.details()).containsEntry("permission", permission);
        });
    }

    private static void lastSuperUser(ThrowableAssert.ThrowingCallable action, String message) {
        assertThatThrownBy(action).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.ENTITY_IN_USE);
            assertThat(e.getMessage()).startsWith(message).contains("no enabled user who is SuperUser");
        });
    }
}
