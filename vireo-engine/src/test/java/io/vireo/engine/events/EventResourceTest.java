package io.vireo.engine.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.common.Principal;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The event log on a real PostgreSQL, read by an audience and over HTTP as the portals read it. */
class EventResourceTest {
    private final Database database = TestDatabase.fresh();
    private final EventLog events = new EventLog(database.jdbi());
    private final UUID seenVm = UUID.randomUUID();
    private final UUID otherVm = UUID.randomUUID();
    private final UUID host = UUID.randomUUID();
    /** Sees one VM and no host, as a user holding a role on that VM alone would. */
    private final EventLog.Audience oneVm = new EventLog.Audience(
            Visibility.granted("SELECT CAST(:seen AS uuid)", Map.of("seen", seenVm)), Visibility.NONE);
    private ApiServer api;

    @AfterEach
    void close() {
        if (api != null) {
            api.close();
        }
        database.close();
    }

    @Test
    void anAudienceSeesTheEventsAboutWhatItSees() {
        writeFourEvents();
        assertThat(events.list(0, 100)).extracting(Event::code).containsExactly("SYSTEM", "SEEN_VM", "OTHER_VM", "HOST");
        assertThat(events.list(0, 100, oneVm)).extracting(Event::code).containsExactly("SEEN_VM");
        assertThat(events.latest(2, EventLog.Audience.EVERYONE)).extracting(Event::code).containsExactly("OTHER_VM", "HOST");
        EventLog.Audience hostsOnly = new EventLog.Audience(Visibility.NONE,
                Visibility.granted("SELECT CAST(:host AS uuid)", Map.of("host", host)));
        assertThat(events.latest(10, hostsOnly)).extracting(Event::code).containsExactly("HOST");
    }

    @Test
    void readsFromAnIndexOrTheNewestAndRefusesWhatIsNotANumber() throws Exception {
        writeFourEvents();
        Principal someone = new Principal(UUID.randomUUID(), "someone", Set.of());
        api = new ApiServer("127.0.0.1", 0, token -> Optional.of(someone), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(new EventResource(events, principal -> EventLog.Audience.EVERYONE)), "test", Optional.empty());
        api.start();

        JsonNode newest = get("/api/events?last=2").body();
        assertThat(newest).extracting(event -> event.get("code").asText()).containsExactly("OTHER_VM", "HOST");
        long index = newest.get(0).get("index").asLong();
        assertThat(get("/api/events?from=" + index + "&max=1").body()).extracting(event -> event.get("code").asText())
                .containsExactly("OTHER_VM");
        assertThat(get("/api/events").body()).hasSize(4);
        // a page further back: the newest two before the oldest of the newest two
        assertThat(get("/api/events?last=2&before=" + index).body()).extracting(event -> event.get("code").asText())
                .containsExactly("SYSTEM", "SEEN_VM");
        assertThat(get("/api/events?last=2&before=x").status()).isEqualTo(400);

        Response notANumber = get("/api/events?from=abc");
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.body().get("error").asText()).isEqualTo("INVALID_FIELD");
        assertThat(notANumber.body().get("message").asText()).contains("from");
        assertThat(get("/api/events?last=0").body().get("message").asText()).contains("last");
    }

    private void writeFourEvents() {
        events.write(EventLog.Entry.info("SYSTEM", "about nothing in particular"));
        events.write(EventLog.Entry.info("SEEN_VM", "about the VM it sees").vm(seenVm));
        events.write(EventLog.Entry.warning("OTHER_VM", "about another VM").vm(otherVm));
        events.write(EventLog.Entry.error("HOST", "about a host").host(host));
    }

    private record Response(int status, JsonNode body) {
    }

    private Response get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + path)).header("Authorization", "Bearer any").build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), ApiServer.MAPPER.readTree(response.body()));
    }
}
