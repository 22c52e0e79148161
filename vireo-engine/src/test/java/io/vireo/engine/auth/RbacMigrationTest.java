package io.vireo.engine.auth;

import io.vireo.engine.common.Principal;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.Permission;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** An engine upgraded to RBAC keeps its admin an administrator; a new engine's admin is one from the start. */
class RbacMigrationTest {
    @Test
    void anAdminFromBeforeRbacBecomesSuperUserOnTheSystem() {
        UUID admin = UUID.randomUUID();
        TestDatabase.External legacy = TestDatabase.emptyExternal();
        Flyway.configure().dataSource(legacy.url(), legacy.user(), legacy.password()).locations("classpath:db/migration").target("5").load()
                .migrate();
        try (var connection = java.sql.DriverManager.getConnection(legacy.url(), legacy.user(), legacy.password());
             var statement = connection.prepareStatement("INSERT INTO users (id, name, password_hash) VALUES (?, 'admin', 'x')")) {
            statement.setObject(1, admin);
            statement.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        try (Database upgraded = new Database(legacy.url(), legacy.user(), legacy.password())) {
            new RoleService(upgraded.jdbi()).ensureBuiltIns();
            PermissionService permissions = new PermissionService(upgraded.jdbi());
            Principal principal = new Principal(admin, "admin", Set.of());
            assertThat(permissions.heldAnywhere(admin)).containsExactlyInAnyOrder(Permission.values());
            assertThat(permissions.allowedOnSystem(principal, Permission.MANAGE_USERS)).isTrue();
        }
    }

    @Test
    void aNewEnginesAdminIsSuperUserOnTheSystem() {
        try (Database database = TestDatabase.fresh()) {
            new RoleService(database.jdbi()).ensureBuiltIns();
            AuthService auth = new AuthService(database.jdbi(), new PasswordHasher(1024, 1), java.time.Clock.systemUTC(),
                    LoginLimits.DEFAULTS);
            assertThat(auth.ensureAdmin(Optional.of("admin-password"))).isEmpty();
            UUID admin = database.jdbi().withHandle(h -> h.createQuery("SELECT id FROM users WHERE name = 'admin'")
                    .mapTo(UUID.class).one());
            assertThat(new PermissionService(database.jdbi()).allowedOnSystem(new Principal(admin, "admin", Set.of()),
                    Permission.MANAGE_PERMISSIONS)).isTrue();
        }
    }
}
