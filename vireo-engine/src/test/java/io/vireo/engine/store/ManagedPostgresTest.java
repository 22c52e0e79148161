package io.vireo.engine.store;

import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded server listens on 127.0.0.1, where any local user can reach it: only its password lets one in. */
class ManagedPostgresTest {
    @Test
    void aTcpClientNeedsThePassword() throws SQLException {
        TestDatabase.External database = TestDatabase.emptyExternal();

        assertThatThrownBy(() -> DriverManager.getConnection(database.url(), database.user(), null).close())
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> DriverManager.getConnection(database.url(), database.user(), "not-the-password").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        try (var connection = DriverManager.getConnection(database.url(), database.user(), database.password());
             var statement = connection.createStatement();
             var result = statement.executeQuery("SELECT current_user")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("vireo");
        }
    }
}
