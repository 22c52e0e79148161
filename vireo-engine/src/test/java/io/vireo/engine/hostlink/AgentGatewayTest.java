package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AgentGatewayTest {
    private final Database database = TestDatabase.fresh();
    private final LeadershipLease lease = new LeadershipLease(database.jdbi(), "engine", Duration.ofSeconds(10));
    private final AgentGateway gateway = new AgentGateway(lease);

    @AfterEach
    void stop() {
        lease.close();
        database.close();
    }

    @Test
    void aCommandToAHostWhoseAgentIsDialingInAgainGoesOutWhenItRegisters() throws Exception {
        lease.start();
        await().until(() -> lease.epoch().isPresent());
        UUID host = UUID.randomUUID();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> answer.complete(gateway.call(host, "vm.list", gateway.params(),
                Duration.ofSeconds(30))));
        // the command waits for its host's agent
        await().until(() -> caller.getState() == Thread.State.TIMED_WAITING);

        List<String> sent = new CopyOnWriteArrayList<>();
        AgentSession session = new AgentSession(host, sent::add, () -> { });
        gateway.register(session);

        await().until(() -> sent.size() == 1);
        long id = AgentSession.MAPPER.readTree(sent.getFirst()).get("id").asLong();
        session.receive("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":[]}");
        assertThat(answer).succeedsWithin(Duration.ofSeconds(10)).satisfies(result -> assertThat(result.isArray()).isTrue());
    }
}
