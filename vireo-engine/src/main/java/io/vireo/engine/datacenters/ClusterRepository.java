package io.vireo.engine.datacenters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Cluster;
import io.vireo.model.Json;
import io.vireo.model.rpc.MigrationPolicy;
import org.jdbi.v3.core.Handle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL of clusters, with their migration and scheduling settings. */
final class ClusterRepository {
    static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "datacenter", new SearchQuery.Field("data_center_id::text", SearchQuery.Type.TEXT),
            "schedulingpolicy", new SearchQuery.Field("scheduling_policy", SearchQuery.Type.TEXT));
    private static final ObjectMapper MAPPER = Json.lenientMapper();

    void insert(Handle h, UUID id, String name, UUID dataCenterId, String description, int memoryOvercommitPercent) {
        h.createUpdate("INSERT INTO clusters (id, name, data_center_id, description, memory_overcommit) "
                        + "VALUES (:id, :name, :dc, :description, :overcommit)")
                .bind("id", id).bind("name", name).bind("dc", dataCenterId).bind("description", description)
                .bind("overcommit", memoryOvercommitPercent).execute();
    }

    Optional<Cluster> find(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM clusters WHERE id = :id").bind("id", id).map((rs, ctx) -> toCluster(rs)).findOne();
    }

    /** One page of the visible clusters that match the search, by name. */
    List<Cluster> list(Handle h, Visibility visible, Optional<String> search, Paging paging) {
        SqlPredicate where = SearchQuery.parse(search.orElse(null), SEARCH_FIELDS).predicate().and(visible.on("id"));
        return Pages.list(h, "SELECT * FROM clusters", where, "name", paging, (rs, ctx) -> toCluster(rs));
    }

    /** The data centers of the clusters {@code clusters} keeps (no query is run here: a sub-select for another list). */
    static Visibility dataCentersOf(Visibility clusters) {
        if (clusters.all()) {
            return Visibility.ALL;
        }
        SqlPredicate kept = clusters.on("clusters.id");
        return Visibility.granted("SELECT clusters.data_center_id FROM clusters WHERE " + kept.sql(), kept.parameters());
    }

    /** Writes every setting of the cluster as given (its name and data center never change). */
    void updateSettings(Handle h, Cluster cluster) {
        MigrationPolicy policy = cluster.migrationPolicy();
        h.createUpdate("UPDATE clusters SET description = :description, memory_overcommit = :overcommit, "
                        + "migration_max_downtime_ms = :downtime, migration_bandwidth_mibps = :bandwidth, "
                        + "migration_auto_converge = :autoConverge, migration_post_copy = :postCopy, "
                        + "migration_downtime_steps_ms = :steps, migration_stall_seconds = :stall, "
                        + "migration_max_outgoing = :outgoing, migration_max_incoming = :incoming, "
                        + "scheduling_policy = :scheduling, scheduling_parameters = CAST(:parameters AS jsonb) WHERE id = :id")
                .bind("id", UUID.fromString(cluster.id())).bind("description", cluster.description())
                .bind("overcommit", cluster.memoryOvercommitPercent())
                .bind("downtime", policy.maxDowntimeMs()).bind("bandwidth", policy.bandwidthMiBps())
                .bind("autoConverge", policy.autoConverge()).bind("postCopy", policy.postCopy())
                .bind("steps", String.join(",", policy.downtimeStepsMs().stream().map(String::valueOf).toList()))
                .bind("stall", policy.stallSeconds())
                .bind("outgoing", cluster.maxOutgoingMigrations()).bind("incoming", cluster.maxIncomingMigrations())
                .bind("scheduling", cluster.schedulingPolicy()).bind("parameters", cluster.schedulingParameters().toString())
                .execute();
    }

    void delete(Handle h, UUID id) {
        h.createUpdate("DELETE FROM clusters WHERE id = :id").bind("id", id).execute();
    }

    private static Cluster toCluster(ResultSet rs) throws SQLException {
        MigrationPolicy policy = new MigrationPolicy(rs.getInt("migration_max_downtime_ms"), rs.getInt("migration_bandwidth_mibps"),
                rs.getBoolean("migration_auto_converge"), rs.getBoolean("migration_post_copy"),
                steps(rs.getString("migration_downtime_steps_ms")), rs.getInt("migration_stall_seconds"));
        return new Cluster(rs.getObject("id").toString(), rs.getString("name"), rs.getObject("data_center_id").toString(),
                rs.getString("description"), rs.getInt("memory_overcommit"), policy, rs.getInt("migration_max_outgoing"),
                rs.getInt("migration_max_incoming"), rs.getString("scheduling_policy"),
                json(rs.getString("scheduling_parameters")), Rows.instant(rs, "created_at"));
    }

    private static List<Integer> steps(String text) {
        return text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(String::strip).map(Integer::valueOf).toList();
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
