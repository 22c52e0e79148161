package io.vireo.engine.auth;

import io.vireo.engine.common.Principal;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.ErrorCode;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import io.vireo.model.Role;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.vireo.model.Permission.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Permission resolution against a real PostgreSQL: inheritance down the object tree, groups, custom
 * roles, pools, and list filters that agree with single checks.
 */
class PermissionServiceTest {
    private final Database database = TestDatabase.fresh();
    private final Jdbi jdbi = database.jdbi();
    private final PermissionService permissions = new PermissionService(jdbi);
    private final RoleService roles = new RoleService(jdbi);

    // two data centers; dc1 has clusters c1 and c2, dc2 has c3
    private final UUID dc1 = insert("INSERT INTO data_centers (id, name) VALUES (:id, :name)", "dc1");
    private final UUID dc2 = insert("INSERT INTO data_centers (id, name) VALUES (:id, :name)", "dc2");
    private final UUID c1 = cluster("c1", dc1);
    private final UUID c2 = cluster("c2", dc1);
    private final UUID c3 = cluster("c3", dc2);
    private final UUID host1 = child("INSERT INTO hosts (id, name, address, cluster_id, status) VALUES (:id, :name, '10.0.0.1', :parent, 'UP')", "h1", c1);
    private final UUID host3 = child("INSERT INTO hosts (id, name, address, cluster_id, status) VALUES (:id, :name, '10.0.0.3', :parent, 'UP')", "h3", c3);
    private final UUID sd1 = child("INSERT INTO storage_domains (id, name, data_center_id, type, path) VALUES (:id, :name, :parent, 'file', '/x')", "sd1", dc1);
    private final UUID sd2 = child("INSERT INTO storage_domains (id, name, data_center_id, type, path) VALUES (:id, :name, :parent, 'file', '/y')", "sd2", dc2);
    private final UUID vm1 = vm("vm1", c1);
    private final UUID vm2 = vm("vm2", c1);
    private final UUID vm3 = vm("vm3", c2);
    private final UUID vm4 = vm("vm4", c3);
    private final UUID disk1 = disk("disk1", sd1, vm1);
    private final UUID disk2 = disk("disk2", sd1, null);
    private final UUID disk4 = disk("disk4", sd2, vm4);
    private final UUID pool = pool("pool1", c1, vm1);
    private final UUID desktop1 = pooledVm("desk1", c1, pool);
    private final UUID desktop2 = pooledVm("desk2", c1, pool);

    private final Principal alice = user("alice");
    private final Principal bob = user("bob");
    private final Principal root = user("root");

    PermissionServiceTest() {
        roles.ensureBuiltIns();
        permissions.grant(root.id(), "SuperUser", ObjectType.SYSTEM, null);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aGrantOnTheSystemReachesEverything() {
        permissions.grant(alice.id(), "SuperUser", ObjectType.SYSTEM, null);
        assertThat(permissions.allowed(alice, MANAGE_USERS, ObjectRef.SYSTEM)).isTrue();
        assertThat(permissions.allowed(alice, MIGRATE_VM, ObjectRef.vm(vm4))).isTrue();
        assertThat(permissions.visibility(alice, VIEW, ObjectType.VM).on("id")).isEqualTo(SqlPredicate.TRUE);
        assertThat(permissions.visibility(alice, VIEW, ObjectType.DISK).all()).isTrue();
        assertThat(permissions.allowed(bob, VIEW, ObjectRef.vm(vm1))).isFalse();
    }

    @Test
    void aGrantOnAVmHoldsOnThatVmOnlyAndOnlyForItsRolesPermissions() {
        permissions.grant(alice.id(), "UserRole", ObjectType.VM, vm1);
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.vm(vm1))).isTrue();
        assertThat(permissions.allowed(alice, VM_POWER, ObjectRef.vm(vm1))).isTrue();
        assertThat(permissions.allowed(alice, VM_CONSOLE, ObjectRef.vm(vm1))).isTrue();
        assertThat(permissions.allowed(alice, DELETE_VM, ObjectRef.vm(vm1))).isFalse();
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.vm(vm2))).isFalse();
        // nothing flows upwards
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.cluster(c1))).isFalse();
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.SYSTEM)).isFalse();
        assertThat(visibleVms(alice, VIEW)).containsExactly(vm1);
        assertThat(permissions.allowed(bob, VIEW, ObjectRef.vm(vm1))).isFalse();
    }

    @Test
    void aGrantOnAClusterReachesItsVmsAndHostsButNotItsNeighbours() {
        permissions.grant(alice.id(), "ClusterAdmin", ObjectType.CLUSTER, c1);
        assertThat(permissions.allowed(alice, MIGRATE_VM, ObjectRef.vm(vm2))).isTrue();
        assertThat(permissions.allowed(alice, MANAGE_HOSTS, ObjectRef.host(host1))).isTrue();
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.vm(vm3))).isFalse();
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.host(host3))).isFalse();
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.dataCenter(dc1))).isFalse();
        // storage hangs off the data center, not the cluster
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.storageDomain(sd1))).isFalse();
        // but a disk attached to one of the cluster's VMs is below that VM
        assertThat(permissions.allowed(alice, MANAGE_DISKS, ObjectRef.disk(disk1))).isTrue();
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.disk(disk2))).isFalse();
        assertThat(visibleVms(alice, VIEW)).containsExactlyInAnyOrder(vm1, vm2, desktop1, desktop2);
        assertThat(visibleIds(alice, VIEW, ObjectType.HOST)).containsExactly(host1);
    }

    @Test
    void aGrantOnADataCenterReachesClustersStorageAndDisks() {
        permissions.grant(alice.id(), "DataCenterAdmin", ObjectType.DATA_CENTER, dc1);
        assertThat(permissions.allowed(alice, MANAGE_CLUSTER, ObjectRef.cluster(c2))).isTrue();
        assertThat(permissions.allowed(alice, MANAGE_STORAGE, ObjectRef.storageDomain(sd1))).isTrue();
        assertThat(permissions.allowed(alice, MANAGE_DISKS, ObjectRef.disk(disk2))).isTrue();
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.storageDomain(sd2))).isFalse();
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.disk(disk4))).isFalse();
        assertThat(permissions.allowed(alice, MANAGE_USERS, ObjectRef.SYSTEM)).isFalse();
        assertThat(visibleIds(alice, VIEW, ObjectType.CLUSTER)).containsExactlyInAnyOrder(c1, c2);
        assertThat(visibleVms(alice, VIEW)).containsExactlyInAnyOrder(vm1, vm2, vm3, desktop1, desktop2);
    }

    @Test
    void aGroupsGrantsAreHeldByItsMembersWhileTheyAreMembers() {
        UUID group = insert("INSERT INTO user_groups (id, name) VALUES (:id, :name)", "devs");
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO group_members (group_id, user_id) VALUES (:g, :u)")
                .bind("g", group).bind("u", alice.id()).execute());
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO permissions (id, group_id, role_id, object_type, object_id) "
                        + "VALUES (:id, :g, :role, 'CLUSTER', :c)")
                .bind("id", UUID.randomUUID()).bind("g", group).bind("role", BuiltInRole.POWER_USER.id()).bind("c", c2).execute());
        assertThat(permissions.allowed(alice, CREATE_VM, ObjectRef.cluster(c2))).isTrue();
        assertThat(visibleVms(alice, VIEW)).containsExactly(vm3);
        assertThat(permissions.allowed(bob, CREATE_VM, ObjectRef.cluster(c2))).isFalse();
        assertThat(permissions.heldAnywhere(alice.id())).containsExactlyInAnyOrder(VIEW, CREATE_VM, CREATE_DISK);
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM group_members").execute());
        assertThat(permissions.allowed(alice, CREATE_VM, ObjectRef.cluster(c2))).isFalse();
        assertThat(visibleVms(alice, VIEW)).isEmpty();
    }

    @Test
    void aCustomRoleGrantsExactlyItsPermissions() {
        Role consoleOnly = roles.create(new Role.Create("console-only", "consoles, nothing else", List.of("VM_CONSOLE")), root);
        permissions.grant(alice.id(), consoleOnly.name(), ObjectType.DATA_CENTER, dc1);
        assertThat(permissions.allowed(alice, VM_CONSOLE, ObjectRef.vm(vm3))).isTrue();
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.vm(vm3))).isFalse();
        assertThat(permissions.allowed(alice, VM_CONSOLE, ObjectRef.vm(vm4))).isFalse();
        // the role's permissions change, and so does what its holders may do
        roles.update(UUID.fromString(consoleOnly.id()), new Role.Update(null, null, List.of("VM_CONSOLE", "VIEW")), root);
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.vm(vm3))).isTrue();
    }

    @Test
    void poolUsersTakeDesktopsWithoutSeeingThemAndAGrantOnAPoolReachesItsDesktops() {
        permissions.grant(alice.id(), "VmPoolUser", ObjectType.VM_POOL, pool);
        assertThat(permissions.allowed(alice, USE_POOL, ObjectRef.pool(pool))).isTrue();
        assertThat(permissions.allowed(alice, VIEW, ObjectRef.vm(desktop1))).isFalse();
        assertThat(visibleIds(alice, USE_POOL, ObjectType.VM_POOL)).containsExactly(pool);
        // its users see the pool: managing it is refused with 403, not hidden
        assertThatThrownBy(() -> permissions.require(alice, MANAGE_POOLS, ObjectRef.pool(pool)))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> permissions.require(bob, USE_POOL, ObjectRef.pool(pool)))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.POOL_NOT_FOUND));
        // the pools feature hands a desktop over, then takes it back
        permissions.grant(alice.id(), "UserRole", ObjectType.VM, desktop1);
        assertThat(visibleVms(alice, VIEW)).containsExactly(desktop1);
        assertThat(permissions.revokeAll(ObjectType.VM, desktop1, alice.id())).isEqualTo(1);
        assertThat(visibleVms(alice, VIEW)).isEmpty();

        permissions.grant(bob.id(), "UserRole", ObjectType.VM_POOL, pool);
        assertThat(visibleVms(bob, VM_POWER)).containsExactlyInAnyOrder(desktop1, desktop2);
    }

    @Test
    void grantingTwiceIsOneGrantAndRevokingAllOfAnObjectLeavesOthers() {
        UUID first = permissions.grant(alice.id(), "UserRole", ObjectType.VM, vm1);
        assertThat(permissions.grant(alice.id(), "UserRole", ObjectType.VM, vm1)).isEqualTo(first);
        permissions.grant(bob.id(), "UserVmManager", ObjectType.VM, vm1);
        permissions.grant(bob.id(), "UserVmManager", ObjectType.VM, vm2);
        assertThat(permissions.revokeAll(ObjectType.VM, vm1, null)).isEqualTo(2);
        assertThat(permissions.allowed(bob, DELETE_VM, ObjectRef.vm(vm2))).isTrue();
        assertThatThrownBy(() -> permissions.grant(alice.id(), "NoSuchRole", ObjectType.VM, vm1))
                .isInstanceOf(DomainException.class).extracting(e -> ((DomainException) e).code()).isEqualTo(ErrorCode.ROLE_NOT_FOUND);
    }

    @Test
    void requireHidesWhatTheUserMayNotSeeAndRefusesWhatItMayOnlySee() {
        permissions.grant(alice.id(), "UserRole", ObjectType.VM, vm1);
        assertThatThrownBy(() -> permissions.require(alice, DELETE_VM, ObjectRef.vm(vm1)))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                    assertThat(e.getMessage()).contains("alice", "remove", "VM vm1", "DELETE_VM");
                });
        assertThatThrownBy(() -> permissions.require(alice, VM_POWER, ObjectRef.vm(vm2)))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VM_NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("No VM with id " + vm2 + " exists");
                });
        assertThatThrownBy(() -> permissions.require(alice, MANAGE_USERS, ObjectRef.SYSTEM))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        permissions.require(alice, VM_POWER, ObjectRef.vm(vm1));
    }

    @Test
    void builtInRolesCannotBeChangedAndARoleInUseCannotBeRemoved() {
        assertThatThrownBy(() -> roles.update(BuiltInRole.USER_ROLE.id(), new Role.Update(null, "mine", null), root))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ROLE_BUILT_IN));
        assertThatThrownBy(() -> roles.delete(BuiltInRole.SUPER_USER.id(), root))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ROLE_BUILT_IN));
        Role custom = roles.create(new Role.Create("watcher", null, List.of("VIEW")), root);
        permissions.grant(alice.id(), "watcher", ObjectType.CLUSTER, c1);
        assertThatThrownBy(() -> roles.delete(UUID.fromString(custom.id()), root))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENTITY_IN_USE));
        assertThatThrownBy(() -> roles.create(new Role.Create("bad", null, List.of("FLY")), root))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.getMessage()).contains("'FLY' is not a permission"));
        assertThatThrownBy(() -> roles.create(new Role.Create("superuser", null, List.of("VIEW")), root))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_NAME));
        permissions.revokeAll(ObjectType.CLUSTER, c1, null);
        roles.delete(UUID.fromString(custom.id()), root);
        assertThat(roles.list()).extracting(Role::name).doesNotContain("watcher").contains("SuperUser", "VmPoolUser");
    }

    @Test
    void superUserHoldsEveryPermission() {
        assertThat(roles.byName("SuperUser").permissions()).containsExactlyInAnyOrder(Permission.values());
    }

    /** The ids of the objects of a type that a visibility keeps, as a repository would apply it. */
    private Set<UUID> visibleIds(Principal principal, Permission permission, ObjectType type) {
        String table = switch (type) {
            case HOST -> "hosts";
            case CLUSTER -> "clusters";
            case VM_POOL -> "vm_pools";
            case DISK -> "disks";
            default -> throw new IllegalArgumentException(type.name());
        };
        SqlPredicate predicate = permissions.visibility(principal, permission, type).on("id");
        return Set.copyOf(jdbi.withHandle(h -> h.createQuery("SELECT id FROM " + table + " WHERE " + predicate.sql())
                .bindMap(predicate.parameters()).mapTo(UUID.class).list()));
    }

    private Set<UUID> visibleVms(Principal principal, Permission permission) {
        SqlPredicate predicate = permissions.visibility(principal, permission, ObjectType.VM).on("id");
        Set<UUID> viaSql = Set.copyOf(jdbi.withHandle(h -> h.createQuery("SELECT id FROM vms WHERE " + predicate.sql())
                .bindMap(predicate.parameters()).mapTo(UUID.class).list()));
        // the list filter and the one-object check must agree on every VM
        for (UUID vm : List.of(vm1, vm2, vm3, vm4, desktop1, desktop2)) {
            assertThat(permissions.allowed(principal, permission, ObjectRef.vm(vm))).as("VM " + vm).isEqualTo(viaSql.contains(vm));
        }
        return viaSql;
    }

    private Principal user(String name) {
        UUID id = insert("INSERT INTO users (id, name, password_hash) VALUES (:id, :name, 'x')", name);
        return new Principal(id, name, Set.of());
    }

    private UUID cluster(String name, UUID dataCenter) {
        return child("INSERT INTO clusters (id, name, data_center_id) VALUES (:id, :name, :parent)", name, dataCenter);
    }

    private UUID vm(String name, UUID cluster) {
        return child("INSERT INTO vms (id, name, cluster_id, vcpus, memory_mib, graphics, desired_state, status) "
                + "VALUES (:id, :name, :parent, 1, 128, 'vnc', 'DOWN', 'DOWN')", name, cluster);
    }

    private UUID pooledVm(String name, UUID cluster, UUID pool) {
        UUID id = vm(name, cluster);
        jdbi.useHandle(h -> h.createUpdate("UPDATE vms SET pool_id = :pool, pool_index = (SELECT count(*) FROM vms WHERE pool_id = :pool) "
                + "WHERE id = :id").bind("pool", pool).bind("id", id).execute());
        return id;
    }

    private UUID pool(String name, UUID cluster, UUID template) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO vm_pools (id, name, cluster_id, template_vm_id, type, size) "
                + "VALUES (:id, :name, :cluster, :template, 'AUTOMATIC', 2)").bind("id", id).bind("name", name)
                .bind("cluster", cluster).bind("template", template).execute());
        return id;
    }

    private UUID disk(String name, UUID domain, UUID vm) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO disks (id, name, storage_domain_id, size_bytes, format, status, path, vm_id) "
                        + "VALUES (:id, :name, :sd, 1048576, 'qcow2', 'OK', '/x/d', CAST(:vm AS uuid))")
                .bind("id", id).bind("name", name).bind("sd", domain).bind("vm", vm).execute());
        return id;
    }

    private UUID child(String sql, String name, UUID parent) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate(sql).bind("id", id).bind("name", name).bind("parent", parent).execute());
        return id;
    }

    private UUID insert(String sql, String name) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate(sql).bind("id", id).bind("name", name).execute());
        return id;
    }
}
