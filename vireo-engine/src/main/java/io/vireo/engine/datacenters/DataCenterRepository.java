package io.vireo.engine.datacenters;

import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.DataCenter;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL of data centers. */
final class DataCenterRepository {
    static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "description", new SearchQuery.Field("description", SearchQuery.Type.TEXT));

    void insert(Handle h, UUID id, String name, String description) {
        h.createUpdate("INSERT INTO data_centers (id, name, description) VALUES (:id, :name, :description)")
                .bind("id", id).bind("name", name).bind("description", description).execute();
    }

    Optional<DataCenter> find(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM data_centers WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> toDataCenter(rs)).findOne();
    }

    /** One page of the visible data centers that match the search, by name. */
    List<DataCenter> list(Handle h, Visibility visible, Optional<String> search, Paging paging) {
        SqlPredicate where = SearchQuery.parse(search.orElse(null), SEARCH_FIELDS).predicate().and(visible.on("id"));
        return Pages.list(h, "SELECT * FROM data_centers", where, "name", paging, (rs, ctx) -> toDataCenter(rs));
    }

    void delete(Handle h, UUID id) {
        h.createUpdate("DELETE FROM data_centers WHERE id = :id").bind("id", id).execute();
    }

    private static DataCenter toDataCenter(ResultSet rs) throws SQLException {
        return new DataCenter(rs.getObject("id").toString(), rs.getString("name"), rs.getString("description"),
                Rows.instant(rs, "created_at"));
    }
}
