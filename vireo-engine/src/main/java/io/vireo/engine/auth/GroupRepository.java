package io.vireo.engine.auth;

import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.model.Group;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL of groups of users and their members. */
final class GroupRepository {
    static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "description", new SearchQuery.Field("description", SearchQuery.Type.TEXT));
    // the members, by name, come in the same query: one round trip for a page of groups
    private static final String SELECT = "SELECT g.*, ARRAY(SELECT m.user_id::text FROM group_members m "
            + "JOIN users u ON u.id = m.user_id WHERE m.group_id = g.id ORDER BY u.name) AS member_ids FROM user_groups g";

    void insert(Handle h, UUID id, String name, String description) {
        h.createUpdate("INSERT INTO user_groups (id, name, description) VALUES (:id, :name, :description)")
                .bind("id", id).bind("name", name).bind("description", description).execute();
    }

    Optional<Group> find(Handle h, UUID id) {
        return h.createQuery(SELECT + " WHERE g.id = :id").bind("id", id).map((rs, ctx) -> toGroup(rs)).findOne();
    }

    /** One page of the groups that match the search, by name. */
    List<Group> list(Handle h, Optional<String> search, Paging paging) {
        SqlPredicate where = SearchQuery.parse(search.orElse(null), SEARCH_FIELDS).predicate();
        return Pages.list(h, SELECT, where, "g.name", paging, (rs, ctx) -> toGroup(rs));
    }

    /** The groups the user is in, by name. */
    List<Group> ofMember(Handle h, UUID userId) {
        return h.createQuery(SELECT + " WHERE g.id IN (SELECT group_id FROM group_members WHERE user_id = :user) ORDER BY g.name")
                .bind("user", userId).map((rs, ctx) -> toGroup(rs)).list();
    }

    /** Removes the group; its memberships and permissions go with the row (ON DELETE CASCADE). */
    void delete(Handle h, UUID id) {
        h.createUpdate("DELETE FROM user_groups WHERE id = :id").bind("id", id).execute();
    }

    /** Adds the user to the group; adding a member again changes nothing. */
    void addMember(Handle h, UUID groupId, UUID userId) {
        h.createUpdate("INSERT INTO group_members (group_id, user_id) VALUES (:group, :user) ON CONFLICT DO NOTHING")
                .bind("group", groupId).bind("user", userId).execute();
    }

    /** Takes the user out of the group; answers whether it was in it. */
    boolean removeMember(Handle h, UUID groupId, UUID userId) {
        return h.createUpdate("DELETE FROM group_members WHERE group_id = :group AND user_id = :user")
                .bind("group", groupId).bind("user", userId).execute() > 0;
    }

    private static Group toGroup(ResultSet rs) throws SQLException {
        return new Group(rs.getObject("id").toString(), rs.getString("name"), rs.getString("description"),
                List.of((String[]) rs.getArray("member_ids").getArray()), Rows.instant(rs, "created_at"));
    }
}
