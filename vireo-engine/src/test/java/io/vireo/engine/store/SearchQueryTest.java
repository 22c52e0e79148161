package io.vireo.engine.store;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchQueryTest {
    private static final Map<String, SearchQuery.Field> FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "status", new SearchQuery.Field("status", SearchQuery.Type.ENUM),
            "memory", new SearchQuery.Field("memory_mib", SearchQuery.Type.NUMBER));

    @Test
    void emptySearchMatchesEverything() {
        assertThat(SearchQuery.parse(null, FIELDS).where()).isEqualTo("TRUE");
        assertThat(SearchQuery.parse("  ", FIELDS).parameters()).isEmpty();
    }

    @Test
    void wildcardsBecomeBoundLikePatterns() {
        SearchQuery query = SearchQuery.parse("name=web* and status=up", FIELDS);
        assertThat(query.where()).isEqualTo("(name ILIKE :p0 AND status = :p1)");
        assertThat(query.parameters()).containsEntry("p0", "web%").containsEntry("p1", "UP");
    }

    @Test
    void orSeparatesGroupsOfAnd() {
        SearchQuery query = SearchQuery.parse("name=a or memory>=512 and status!=down", FIELDS);
        assertThat(query.where()).isEqualTo("(lower(name) = lower(:p0)) OR (memory_mib >= :p1 AND status <> :p2)");
        assertThat(query.parameters()).containsEntry("p1", 512L).containsEntry("p2", "DOWN");
    }

    @Test
    void sqlInValuesStaysAValue() {
        SearchQuery query = SearchQuery.parse("name=\"x' OR 1=1 --\"", FIELDS);
        assertThat(query.where()).doesNotContain("OR 1=1");
        assertThat(query.parameters()).containsEntry("p0", "x' OR 1=1 --");
    }

    @Test
    void likeMetacharactersAreEscaped() {
        assertThat(SearchQuery.parse("name=a_b%*", FIELDS).parameters()).containsEntry("p0", "a\\_b\\%%");
    }

    @Test
    void refusesUnknownFieldsAndBadShapes() {
        assertThatThrownBy(() -> SearchQuery.parse("colour=red", FIELDS)).hasMessageContaining("unknown field 'colour'");
        assertThatThrownBy(() -> SearchQuery.parse("name=a and", FIELDS)).hasMessageContaining("ends where");
        assertThatThrownBy(() -> SearchQuery.parse("name=a name=b", FIELDS)).hasMessageContaining("expected 'and'");
        assertThatThrownBy(() -> SearchQuery.parse("memory=lots", FIELDS)).hasMessageContaining("takes a number");
        assertThatThrownBy(() -> SearchQuery.parse("status>up", FIELDS)).hasMessageContaining("only be compared");
        assertThatThrownBy(() -> SearchQuery.parse("name=\"open", FIELDS)).hasMessageContaining("quote");
        // '!' alone is no operator; it once reached the SQL text as one
        assertThatThrownBy(() -> SearchQuery.parse("memory!5", FIELDS)).hasMessageContaining("no operator");
        assertThatThrownBy(() -> SearchQuery.parse("name!web", FIELDS)).hasMessageContaining("no operator");
    }
}
