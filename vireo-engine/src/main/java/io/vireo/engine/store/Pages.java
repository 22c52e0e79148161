package io.vireo.engine.store;

import io.vireo.engine.common.Paging;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;

/** The one way a repository reads a page of a list: its SELECT, a bound condition, an order, LIMIT and OFFSET. */
public final class Pages {
    private Pages() {
    }

    /**
     * The rows of {@code select} (a SELECT without WHERE) for which {@code where} holds, sorted by
     * {@code orderBy} (which should end in a unique column, so that pages neither overlap nor skip).
     */
    public static <T> List<T> list(Handle h, String select, SqlPredicate where, String orderBy, Paging paging, RowMapper<T> rows) {
        return h.createQuery(select + " WHERE " + where.sql() + " ORDER BY " + orderBy + " LIMIT :limit OFFSET :offset")
                .bindMap(where.parameters()).bind("limit", paging.max()).bind("offset", paging.offset())
                .map(rows).list();
    }
}
