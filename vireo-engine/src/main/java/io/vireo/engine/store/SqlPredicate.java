package io.vireo.engine.store;

import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/** A piece of a WHERE clause with its bound parameters (never values pasted into the SQL). */
public record SqlPredicate(String sql, Map<String, Object> parameters) {
    public static final SqlPredicate TRUE = new SqlPredicate("TRUE", Map.of());
    public static final SqlPredicate FALSE = new SqlPredicate("FALSE", Map.of());

    public SqlPredicate {
        requireNonNull(sql, "sql");
        parameters = Map.copyOf(parameters);
    }

    /** Both must hold. Parameters of the same name must have the same value in both. */
    public SqlPredicate and(SqlPredicate other) {
        if (this == TRUE) {
            return other;
        }
        if (other == TRUE) {
            return this;
        }
        Map<String, Object> merged = new HashMap<>(parameters);
        merged.putAll(other.parameters);
        return new SqlPredicate("(" + sql + ") AND (" + other.sql + ")", merged);
    }

    /** Either holds. */
    public SqlPredicate or(SqlPredicate other) {
        if (this == TRUE || other == TRUE) {
            return TRUE;
        }
        Map<String, Object> merged = new HashMap<>(parameters);
        merged.putAll(other.parameters);
        return new SqlPredicate("(" + sql + ") OR (" + other.sql + ")", merged);
    }
}
