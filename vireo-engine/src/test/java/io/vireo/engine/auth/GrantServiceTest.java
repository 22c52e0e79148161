package io.vireo.engine.auth;

import io.vireo.engine.common.DomainException;
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
import io.vireo.model.ObjectType;
import io.vireo.model.Role;
import io.vireo.model.User;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The permissions list on a real PostgreSQL: filtered in SQL to where the caller manages permissions, paged and searched. */
class GrantServiceTest {
    private final Database database = TestDatabase.fresh();
    private final Jdbi jdbi = database.jdbi();
    private final EventLog events = new EventLog(jdbi);
    private final RoleService roles = new RoleService(jdbi);
    private final PermissionService permissions = new PermissionService(jdbi);
    private final UserDirectory directory = new UserDirectory(jdbi, new PasswordHasher(1024, 1), events);
    private final GrantService grants = new GrantService(jdbi, permissions, roles, directory, events);
    private final DataCenterService dataCenters = new DataCenterService(jdbi, events);

    private final Principal root;
    private final Principal clusterAdmin;
    private final Principal alice;
    private final UUID c1;
    private final UUID c2;

    GrantServiceTest() {
        roles.ensureBuiltIns();
        String dataCenter = dataCenters.createDataCenter(new DataCenter.Create("dc", null)).id();
        c1 = UUID.fromString(dataCenters.createCluster(new Cluster.Create("c1", dataCenter, null, null)).id());
        c2 = UUID.fromString(dataCenters.createCluster(new Cluster.Create("c2", dataCenter, null, null)).id());
        root = user("root");
        clusterAdmin = user("clusteradmin");
        alice = user("alice");
        permissions.grant(root.id(), "SuperUser", ObjectType.SYSTEM, null);
        permissions.grant(clusterAdmin.id(), "ClusterAdmin", ObjectType.CLUSTER, c1);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aCallerSeesTheGrantsWhereItManagesPermissionsAndNoOthers() {
        grant(root, alice, "UserRole", "CLUSTER", c1);
        grant(root, alice, "UserRole", "CLUSTER", c2);
        grant(root, alice, "PowerUser", "SYSTEM", null);

        assertThat(list(clusterAdmin, Optional.empty())).extracting(Grant::objectId).containsOnly(c1.toString()).hasSize(2);
        assertThat(list(root, Optional.empty())).hasSize(5)
                .extracting(Grant::objectType).contains(ObjectType.SYSTEM, ObjectType.CLUSTER);
        assertThat(list(alice, Optional.empty())).isEmpty();
        // what it may not see is not found, as if it did not exist
        UUID onC2 = UUID.fromString(list(root, Optional.of("role=UserRole")).stream()
                .filter(grant -> grant.objectId().equals(c2.toString())).findFirst().orElseThrow().id());
        assertThatThrownBy(() -> grants.grant(onC2, clusterAdmin)).isInstanceOfSatisfying(DomainException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_NOT_FOUND));
    }

    @Test
    void theListFiltersByObjectAndSearchAndPages() {
        grant(root, alice, "UserRole", "CLUSTER", c1);
        grant(clusterAdmin, alice, "UserVmManager", "CLUSTER", c1);
        assertThat(list(root, Optional.of("role=UserRole and principal=alice"))).extracting(Grant::roleName)
                .containsExactly("UserRole");
        assertThat(list(root, Optional.of("objecttype=system"))).extracting(Grant::principalName).containsExactly("root");
        assertThat(grants.list(Optional.of("CLUSTER"), Optional.of(c1.toString()), root, Optional.empty(), Paging.ALL))
                .hasSize(3).allMatch(grant -> grant.objectId().equals(c1.toString()));
        // by object type, then oldest first: the SYSTEM grant of root comes last
        List<Grant> all = list(root, Optional.empty());
        assertThat(grants.list(Optional.empty(), Optional.empty(), root, Optional.empty(), new Paging(2, 2)))
                .containsExactlyElementsOf(all.subList(2, 4));
        assertThat(all.getLast().objectType()).isEqualTo(ObjectType.SYSTEM);
        assertThatThrownBy(() -> grants.list(Optional.of("PLANET"), Optional.empty(), root, Optional.empty(), Paging.ALL))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
    }

    @Test
    void grantingTwiceIsOneGrantAndTheLastSuperUserStays() {
        GrantService.Created first = grant(root, alice, "UserRole", "CLUSTER", c1);
        assertThat(first.isNew()).isTrue();
        GrantService.Created again = grant(root, alice, "UserRole", "CLUSTER", c1);
        assertThat(again.isNew()).isFalse();
        assertThat(again.grant().id()).isEqualTo(first.grant().id());

        UUID superUser = UUID.fromString(list(root, Optional.of("objecttype=system")).getFirst().id());
        assertThatThrownBy(() -> grants.delete(superUser, root)).isInstanceOfSatisfying(DomainException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.ENTITY_IN_USE));
        grants.delete(UUID.fromString(first.grant().id()), clusterAdmin);
        assertThat(list(root, Optional.of("principal=alice"))).isEmpty();
    }

    @Test
    void rolesListBuiltInOnesFirstAndARenameCannotTakeAName() {
        Role watcher = roles.create(new Role.Create("watcher", null, List.of("VIEW")), root);
        roles.create(new Role.Create("auditor", null, List.of("VIEW")), root);
        assertThat(roles.list(Optional.of("name=*Admin"), Paging.ALL)).extracting(Role::name)
                .containsExactly("ClusterAdmin", "DataCenterAdmin");
        assertThat(roles.list().getFirst().builtIn()).isTrue();
        assertThat(roles.list().subList(roles.list().size() - 2, roles.list().size())).extracting(Role::name)
                .containsExactly("auditor", "watcher");
        assertThatThrownBy(() -> roles.update(UUID.fromString(watcher.id()), new Role.Update("auditor", null, null), root))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_NAME);
                    assertThat(e.getMessage()).isEqualTo("A role named auditor exists already");
                });
        assertThat(roles.update(UUID.fromString(watcher.id()), new Role.Update(null, null, List.of("VM_CONSOLE", "VIEW")), root)
                .permissions()).extracting(Enum::name).containsExactly("VIEW", "VM_CONSOLE");
    }

    private GrantService.Created grant(Principal by, Principal to, String role, String objectType, UUID objectId) {
        return grants.create(new Grant.Create("USER", to.id().toString(), null, role, objectType,
                objectId == null ? null : objectId.toString()), by);
    }

    private List<Grant> list(Principal caller, Optional<String> search) {
        return grants.list(Optional.empty(), Optional.empty(), caller, search, Paging.ALL);
    }

    private Principal user(String name) {
        User user = directory.create(new User.Create(name, "password-of-" + name, null, null));
        return new Principal(UUID.fromString(user.id()), name, Set.of());
    }
}
