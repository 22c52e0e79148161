package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AgentSessionTest {
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final AgentSession session = new AgentSession(UUID.randomUUID(), sent::add, () -> { });

    @Test
    void matchesAnswersToCallsById() throws Exception {
        AtomicReference<JsonNode> answer = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> answer.set(session.call("vm.list",
                AgentSession.MAPPER.createObjectNode(), Duration.ofSeconds(10))));
        await().until(() -> sent.size() == 1);
        JsonNode request = AgentSession.MAPPER.readTree(sent.getFirst());
        assertThat(request.get("method").asText()).isEqualTo("vm.list");
        assertThat(request.get("jsonrpc").asText()).isEqualTo("2.0");

        assertThat(session.receive("{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":[1,2]}")).isNull();
        caller.join();
        assertThat(answer.get().size()).isEqualTo(2);
    }

    @Test
    void turnsErrorAnswersIntoExceptions() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                session.call("vm.reboot", AgentSession.MAPPER.createObjectNode(), Duration.ofSeconds(10));
            } catch (AgentException e) {
                failure.set(e);
            }
        });
        await().until(() -> sent.size() == 1);
        long id = AgentSession.MAPPER.readTree(sent.getFirst()).get("id").asLong();
        session.receive("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32010,\"message\":\"stale epoch\"}}");
        caller.join();
        assertThat(failure.get()).isInstanceOf(AgentException.class).hasMessage("stale epoch");
        assertThat(((AgentException) failure.get()).rpcCode()).isEqualTo(-32010);
    }

    @Test
    void passesNotificationsOn() {
        AgentSession.Notification notification = session.receive("{\"jsonrpc\":\"2.0\",\"method\":\"host.heartbeat\",\"params\":{}}");
        assertThat(notification.method()).isEqualTo("host.heartbeat");
    }

    @Test
    void failsCallsWhenClosedOrSilent() {
        assertThatThrownBy(() -> session.call("vm.list", AgentSession.MAPPER.createObjectNode(), Duration.ofMillis(50)))
                .isInstanceOf(AgentException.class).hasMessageContaining("did not answer");
        session.closed();
        assertThatThrownBy(() -> session.call("vm.list", AgentSession.MAPPER.createObjectNode(), Duration.ofSeconds(1)))
                .hasMessageContaining("not connected");
    }
}
