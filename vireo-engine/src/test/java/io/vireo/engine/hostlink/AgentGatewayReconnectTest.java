package io.vireo.engine.hostlink;

import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.NoParams;
import io.vireo.model.rpc.VmListResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A command for a host whose agent is dialing in again waits for the registration, not in a sleep loop. */
class AgentGatewayReconnectTest {
    private final AgentGateway gateway = new AgentGateway(() -> Optional.of(3L));

    @Test
    void aCommandToAHostWhoseAgentIsDialingInAgainGoesOutWhenItRegisters() throws Exception {
        UUID host = UUID.randomUUID();
        CompletableFuture<VmListResult> answer = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> answer.complete(gateway.call(host, AgentMethod.VM_LIST, NoParams.INSTANCE,
                Duration.ofSeconds(30))));
        // the command waits for its host's agent, parked on the registration signal
        await().until(() -> caller.getState() == Thread.State.TIMED_WAITING);

        List<String> sent = new CopyOnWriteArrayList<>();
        AgentSession session = new AgentSession(host, sent::add, () -> { });
        gateway.register(session);

        await().until(() -> sent.size() == 1);
        long id = AgentSession.MAPPER.readTree(sent.getFirst()).get("id").asLong();
        session.receive("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":[]}");
        assertThat(answer).succeedsWithin(Duration.ofSeconds(10)).satisfies(result -> assertThat(result).isNotNull());
    }
}
