package io.vireo.engine.auth;

import io.vireo.engine.common.Paging;
import io.vireo.engine.common.Principal;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.model.User;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** SQL of users: who they are and their password hash (failed logins: {@link LoginFailureRepository}). */
final class UserRepository {
    static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "displayname", new SearchQuery.Field("display_name", SearchQuery.Type.TEXT),
            "email", new SearchQuery.Field("email", SearchQuery.Type.TEXT));

    /** What a login checks: the hash and whether the account may log in at all. */
    record Credentials(UUID id, String passwordHash, boolean enabled) {
    }

    /** The changes of an update; a null field keeps its value. */
    record Changes(String displayName, String email, String passwordHash, Boolean enabled) {
    }

    /** The columns of a principal for a query over users u: id, name and the groups the user is in now. */
    static final String PRINCIPAL_COLUMNS = "u.id, u.name, ARRAY(SELECT gm.group_id FROM group_members gm "
            + "WHERE gm.user_id = u.id) AS group_ids";

    static Principal principal(ResultSet rs) throws SQLException {
        return new Principal(rs.getObject("id", UUID.class), rs.getString("name"),
                Set.of((UUID[]) rs.getArray("group_ids").getArray()));
    }

    /** The user as a principal now, with its current groups, if it exists and is enabled. */
    Optional<Principal> enabledPrincipal(Handle h, UUID id) {
        return h.createQuery("SELECT " + PRINCIPAL_COLUMNS + " FROM users u WHERE u.id = :id AND u.enabled")
                .bind("id", id).map((rs, ctx) -> principal(rs)).findOne();
    }

    void insert(Handle h, UUID id, String name, String passwordHash, String displayName, String email) {
        h.createUpdate("INSERT INTO users (id, name, password_hash, display_name, email) "
                        + "VALUES (:id, :name, :hash, :display, :email)")
                .bind("id", id).bind("name", name).bind("hash", passwordHash).bind("display", displayName).bind("email", email)
                .execute();
    }

    boolean exists(Handle h, String name) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM users WHERE name = :name)").bind("name", name)
                .mapTo(Boolean.class).one();
    }

    Optional<User> find(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM users WHERE id = :id").bind("id", id).map((rs, ctx) -> toUser(rs)).findOne();
    }

    /** One page of the users that match the search, by name. */
    List<User> list(Handle h, Optional<String> search, Paging paging) {
        SqlPredicate where = SearchQuery.parse(search.orElse(null), SEARCH_FIELDS).predicate();
        return Pages.list(h, "SELECT * FROM users", where, "name", paging, (rs, ctx) -> toUser(rs));
    }

    Optional<Credentials> credentials(Handle h, String name) {
        return h.createQuery("SELECT id, password_hash, enabled FROM users WHERE name = :name")
                .bind("name", name)
                .map((rs, ctx) -> new Credentials(rs.getObject("id", UUID.class), rs.getString("password_hash"),
                        rs.getBoolean("enabled")))
                .findOne();
    }

    Optional<Credentials> credentials(Handle h, UUID id) {
        return h.createQuery("SELECT id, password_hash, enabled FROM users WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Credentials(rs.getObject("id", UUID.class), rs.getString("password_hash"),
                        rs.getBoolean("enabled")))
                .findOne();
    }

    Optional<String> name(Handle h, UUID id) {
        return h.createQuery("SELECT name FROM users WHERE id = :id").bind("id", id).mapTo(String.class).findOne();
    }

    void update(Handle h, UUID id, Changes changes) {
        h.createUpdate("UPDATE users SET display_name = COALESCE(:display, display_name), email = COALESCE(:email, email), "
                        + "password_hash = COALESCE(:hash, password_hash), enabled = COALESCE(CAST(:enabled AS boolean), enabled) "
                        + "WHERE id = :id")
                .bind("id", id).bind("display", changes.displayName()).bind("email", changes.email())
                .bind("hash", changes.passwordHash()).bind("enabled", changes.enabled()).execute();
    }

    /** Removes the user; its tokens, memberships and permissions go with the row (ON DELETE CASCADE). */
    void delete(Handle h, UUID id) {
        h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute();
    }

    private static User toUser(ResultSet rs) throws SQLException {
        return new User(rs.getObject("id").toString(), rs.getString("name"), rs.getString("display_name"),
                rs.getString("email"), rs.getBoolean("enabled"), Rows.instant(rs, "created_at"));
    }
}
