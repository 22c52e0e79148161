package io.vireo.engine.auth;

import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.common.Principal;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.ErrorCode;
import io.vireo.model.Group;
import io.vireo.model.ObjectType;
import io.vireo.model.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Users, groups, logins and tokens on a real PostgreSQL. */
class UserDirectoryTest {
    private static final String PASSWORD = "correct horse";

    private final Database database = TestDatabase.fresh();
    private final PasswordHasher hasher = new PasswordHasher(1024, 1);
    private final UserDirectory directory = new UserDirectory(database.jdbi(), hasher, new EventLog(database.jdbi()));
    private final AuthService auth = new AuthService(database.jdbi(), hasher, Clock.systemUTC(), LoginLimits.DEFAULTS);
    private final Principal root;

    UserDirectoryTest() {
        new RoleService(database.jdbi()).ensureBuiltIns();
        root = new Principal(id(directory.create(new User.Create("root", PASSWORD, null, null)).id()), "root", Set.of());
        new PermissionService(database.jdbi()).grant(root.id(), "SuperUser", ObjectType.SYSTEM, null);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void namesAreTakenOnceAndTheListPagesAndSearches() {
        for (String name : List.of("carol", "alice", "bob")) {
            directory.create(new User.Create(name, PASSWORD, name.toUpperCase(), name + "@example.com"));
        }
        refused(() -> directory.create(new User.Create("alice", PASSWORD, null, null)), ErrorCode.DUPLICATE_NAME,
                "A user named alice exists already");
        assertThat(names(directory.users(Optional.empty(), new Paging(2, 1)))).containsExactly("alice", "bob");
        assertThat(names(directory.users(Optional.empty(), new Paging(2, 2)))).containsExactly("carol", "root");
        assertThat(names(directory.users(Optional.of("email=b*"), Paging.ALL))).containsExactly("bob");
        assertThat(names(directory.users(Optional.of("displayname=CAROL or name=alice"), Paging.ALL)))
                .containsExactly("alice", "carol");
        refused(() -> directory.users(Optional.of("password=x"), Paging.ALL), ErrorCode.INVALID_SEARCH, "unknown field");
    }

    @Test
    void aTokenCarriesTheUsersGroupsAndDisablingTheUserEndsIt() {
        UUID alice = id(directory.create(new User.Create("alice", PASSWORD, null, null)).id());
        Group devs = directory.createGroup(new Group.Create("devs", "developers"));
        directory.addMember(id(devs.id()), alice.toString(), root);
        String token = login("alice", PASSWORD);
        assertThat(auth.principalForToken(token)).contains(new Principal(alice, "alice", Set.of(id(devs.id()))));

        directory.update(alice, new User.Update(null, null, null, false), root);
        assertThat(auth.principalForToken(token)).isEmpty();
        refused(() -> login("alice", PASSWORD), ErrorCode.INVALID_GRANT, "The username or password is wrong");
        directory.update(alice, new User.Update(null, null, null, true), root);
        assertThat(auth.principalForToken(login("alice", PASSWORD))).isPresent();
    }

    @Test
    void aNewPasswordEndsTheUsersSessionsAndLiftsTheDelaysItsFailuresEarned() {
        UUID bob = id(directory.create(new User.Create("bob", PASSWORD, null, null)).id());
        String token = login("bob", PASSWORD);
        for (int i = 0; i < AuthService.FREE_FAILURES; i++) {
            refused(() -> login("bob", "wrong password"), ErrorCode.INVALID_GRANT, "wrong");
        }
        refused(() -> login("bob", PASSWORD), ErrorCode.LOGIN_DELAYED, "try again in");
        directory.update(bob, new User.Update(null, null, "a new password", null), root);
        assertThat(auth.principalForToken(token)).isEmpty();
        assertThat(login("bob", "a new password")).isNotBlank();
    }

    @Test
    void groupsListTheirMembersByNameAndRefuseWhatIsNotThere() {
        UUID zoe = id(directory.create(new User.Create("zoe", PASSWORD, null, null)).id());
        UUID adam = id(directory.create(new User.Create("adam", PASSWORD, null, null)).id());
        UUID ops = id(directory.createGroup(new Group.Create("ops", null)).id());
        directory.createGroup(new Group.Create("devs", null));
        refused(() -> directory.createGroup(new Group.Create("ops", null)), ErrorCode.DUPLICATE_NAME, "group named ops");
        directory.addMember(ops, zoe.toString(), root);
        directory.addMember(ops, adam.toString(), root);
        directory.addMember(ops, adam.toString(), root);
        assertThat(directory.group(ops).memberIds()).containsExactly(adam.toString(), zoe.toString());
        assertThat(directory.groups(Optional.empty(), Paging.ALL)).extracting(Group::name).containsExactly("devs", "ops");
        assertThat(directory.groups(Optional.of("name=o*"), Paging.ALL)).extracting(Group::name).containsExactly("ops");

        directory.removeMember(ops, zoe, root);
        refused(() -> directory.removeMember(ops, zoe, root), ErrorCode.USER_NOT_FOUND, "not a member");
        directory.deleteGroup(ops, root);
        refused(() -> directory.group(ops), ErrorCode.GROUP_NOT_FOUND, "No group");
    }

    private String login(String user, String password) {
        return auth.login("password", user, password, "10.0.0.1").access_token();
    }

    private static void refused(Runnable action, ErrorCode code, String message) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static List<String> names(List<User> users) {
        return users.stream().map(User::name).toList();
    }

    private static UUID id(String id) {
        return UUID.fromString(id);
    }
}
