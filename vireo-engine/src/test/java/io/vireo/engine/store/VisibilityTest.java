package io.vireo.engine.store;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VisibilityTest {
    @Test
    void allFiltersNothing() {
        assertThat(Visibility.ALL.on("vms.id")).isEqualTo(SqlPredicate.TRUE);
        assertThat(Visibility.ALL.or(Visibility.NONE).all()).isTrue();
    }

    @Test
    void grantedIdsBecomeAConditionOnTheRepositorysColumn() {
        SqlPredicate predicate = Visibility.granted("SELECT id FROM grants WHERE user_id = :user", Map.of("user", "u1"))
                .on("vms.id");
        assertThat(predicate.sql()).isEqualTo("vms.id IN (SELECT id FROM grants WHERE user_id = :user)");
        assertThat(predicate.parameters()).containsExactlyEntriesOf(Map.of("user", "u1"));
    }

    @Test
    void unionRenamesAParameterBoundToAnotherValueButLeavesCastsAlone() {
        Visibility view = Visibility.granted("SELECT id::uuid FROM g WHERE p = :permission AND u = :user",
                Map.of("permission", "VIEW", "user", "u1"));
        Visibility use = Visibility.granted("SELECT id::uuid FROM g WHERE p = :permission AND u = :user",
                Map.of("permission", "USE_POOL", "user", "u1"));
        SqlPredicate predicate = view.or(use).on("id");
        assertThat(predicate.sql()).isEqualTo("id IN (SELECT id::uuid FROM g WHERE p = :permission AND u = :user"
                + " UNION SELECT id::uuid FROM g WHERE p = :permission_2 AND u = :user)");
        assertThat(predicate.parameters()).containsOnly(Map.entry("permission", "VIEW"), Map.entry("user", "u1"),
                Map.entry("permission_2", "USE_POOL"));
    }
}
