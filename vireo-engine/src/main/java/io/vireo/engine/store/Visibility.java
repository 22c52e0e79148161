package io.vireo.engine.store;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Which objects of one type a caller may see: all of them, or those whose ids a sub-select answers
 * (made by the permission service from the caller's grants). A repository applies it to its own id
 * column, so no SQL column name ever crosses a feature boundary and every list filters the same way.
 */
public final class Visibility {
    public static final Visibility ALL = new Visibility(null, Map.of());
    public static final Visibility NONE = new Visibility("SELECT NULL::uuid WHERE FALSE", Map.of());

    private final String grantedIds;
    private final Map<String, Object> parameters;

    private Visibility(String grantedIds, Map<String, Object> parameters) {
        this.grantedIds = grantedIds;
        this.parameters = Map.copyOf(parameters);
    }

    /** The objects whose ids {@code grantedIdsSelect} (a SELECT of one uuid column) answers. */
    public static Visibility granted(String grantedIdsSelect, Map<String, Object> parameters) {
        return new Visibility(requireNonNull(grantedIdsSelect, "grantedIdsSelect"), parameters);
    }

    public boolean all() {
        return grantedIds == null;
    }

    /** Objects visible through either (e.g. a pool seen with VIEW or with USE_POOL). */
    public Visibility or(Visibility other) {
        if (all() || other.all()) {
            return ALL;
        }
        Map<String, Object> merged = new HashMap<>(parameters);
        String otherSql = other.grantedIds;
        for (var parameter : other.parameters.entrySet()) {
            String name = parameter.getKey();
            Object previous = merged.get(name);
            if (previous != null && !previous.equals(parameter.getValue())) {
                // the same name bound to another value in the other half: rename it there
                String renamed = name + "_" + merged.size();
                otherSql = otherSql.replaceAll("(?<!:):" + Pattern.quote(name) + "\\b", ":" + renamed);
                name = renamed;
            }
            merged.put(name, parameter.getValue());
        }
        return new Visibility(grantedIds + " UNION " + otherSql, merged);
    }

    /** The condition on the repository's id column ({@code vms.id}) that keeps the visible rows. */
    public SqlPredicate on(String idColumn) {
        if (all()) {
            return SqlPredicate.TRUE;
        }
        return new SqlPredicate(requireNonNull(idColumn, "idColumn") + " IN (" + grantedIds + ")", parameters);
    }
}
