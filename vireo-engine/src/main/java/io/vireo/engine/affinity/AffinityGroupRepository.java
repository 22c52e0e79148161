package io.vireo.engine.affinity;

import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.AffinityGroup;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL of affinity groups and their members (VMs, and hosts for VM_TO_HOST groups). */
final class AffinityGroupRepository {
    static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "cluster", new SearchQuery.Field("cluster_id::text", SearchQuery.Type.TEXT),
            "kind", new SearchQuery.Field("kind", SearchQuery.Type.ENUM));
    // the members come in the same query: one round trip for a page of groups
    private static final String SELECT = "SELECT g.*, "
            + "ARRAY(SELECT m.vm_id::text FROM affinity_group_vms m WHERE m.group_id = g.id) AS vm_ids, "
            + "ARRAY(SELECT m.host_id::text FROM affinity_group_hosts m WHERE m.group_id = g.id) AS host_ids "
            + "FROM affinity_groups g";

    record NewGroup(UUID id, String name, UUID clusterId, String kind, boolean positive, boolean enforcing,
                    List<UUID> vmIds, List<UUID> hostIds) {
    }

    void insert(Handle h, NewGroup group) {
        h.createUpdate("INSERT INTO affinity_groups (id, name, cluster_id, kind, positive, enforcing) "
                        + "VALUES (:id, :name, :cluster, :kind, :positive, :enforcing)")
                .bind("id", group.id()).bind("name", group.name()).bind("cluster", group.clusterId()).bind("kind", group.kind())
                .bind("positive", group.positive()).bind("enforcing", group.enforcing()).execute();
        insertMembers(h, "INSERT INTO affinity_group_vms (group_id, vm_id) VALUES (:group, :member)", group.id(), group.vmIds());
        insertMembers(h, "INSERT INTO affinity_group_hosts (group_id, host_id) VALUES (:group, :member)", group.id(),
                group.hostIds());
    }

    private static void insertMembers(Handle h, String insert, UUID groupId, List<UUID> members) {
        if (members.isEmpty()) {
            return;
        }
        var batch = h.prepareBatch(insert);
        for (UUID member : members) {
            batch.bind("group", groupId).bind("member", member).add();
        }
        batch.execute();
    }

    Optional<AffinityGroup> find(Handle h, UUID id) {
        return h.createQuery(SELECT + " WHERE g.id = :id").bind("id", id).map((rs, ctx) -> toGroup(rs)).findOne();
    }

    /** One page, by name, of the groups that match the search in the clusters a caller sees. */
    List<AffinityGroup> list(Handle h, Visibility clusters, Optional<String> search, Paging paging) {
        SqlPredicate where = SearchQuery.parse(search.orElse(null), SEARCH_FIELDS).predicate().and(clusters.on("g.cluster_id"));
        return Pages.list(h, SELECT, where, "g.name", paging, (rs, ctx) -> toGroup(rs));
    }

    List<AffinityGroup> inCluster(Handle h, UUID clusterId) {
        return h.createQuery(SELECT + " WHERE g.cluster_id = :cluster ORDER BY g.name").bind("cluster", clusterId)
                .map((rs, ctx) -> toGroup(rs)).list();
    }

    void delete(Handle h, UUID id) {
        h.createUpdate("DELETE FROM affinity_groups WHERE id = :id").bind("id", id).execute();
    }

    private static AffinityGroup toGroup(ResultSet rs) throws SQLException {
        return new AffinityGroup(rs.getObject("id").toString(), rs.getString("name"), rs.getObject("cluster_id").toString(),
                rs.getString("kind"), rs.getBoolean("positive"), rs.getBoolean("enforcing"), strings(rs, "vm_ids"),
                strings(rs, "host_ids"), Rows.instant(rs, "created_at"));
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        return List.of((String[]) rs.getArray(column).getArray());
    }
}
