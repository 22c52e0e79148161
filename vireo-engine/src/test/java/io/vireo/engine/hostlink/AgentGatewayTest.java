package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.ErrorCode;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.ConsoleLogParams;
import io.vireo.model.rpc.ConsoleLogResult;
import io.vireo.model.rpc.EnsureStoppedResult;
import io.vireo.model.rpc.VmIdParams;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AgentGatewayTest {
    private static final UUID VM = UUID.fromString("0b6c6a52-34c4-4b8e-9a51-3a1f4bd0c6a1");
    private static final UUID HOST = UUID.randomUUID();

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final AgentSession session = new AgentSession(HOST, sent::add, () -> { });
    private final AgentGateway gateway = new AgentGateway(() -> Optional.of(7L));

    /** Answers the next request the session sends with the given result, and the given report number. */
    private JsonNode answer(String resultJson, long seq) throws Exception {
        await().until(() -> !sent.isEmpty());
        JsonNode request = AgentSession.MAPPER.readTree(sent.removeFirst());
        session.receive("{\"jsonrpc\": \"2.0\", \"id\": " + request.get("id") + ", \"result\": " + resultJson
                + ", \"seq\": " + seq + "}");
        return request;
    }

    @Test
    void sendsTheParamsRecordWithTheEpochAndReadsTheResultRecord() throws Exception {
        gateway.register(session);
        CompletableFuture<ConsoleLogResult> call = CompletableFuture.supplyAsync(() -> gateway.call(HOST,
                AgentMethod.VM_READ_CONSOLE_LOG, new ConsoleLogParams(VM, 120), Duration.ofSeconds(10)));

        JsonNode request = answer("{\"text\": \"TICK 1\\n\", \"nextOffset\": 127}", 3);

        assertThat(request.get("method").asText()).isEqualTo("vm.readConsoleLog");
        assertThat(request.get("params")).isEqualTo(AgentSession.MAPPER.readTree(
                "{\"vmId\": \"%s\", \"offset\": 120, \"epoch\": 7}".formatted(VM)));
        assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(new ConsoleLogResult("TICK 1\n", 127));
    }

    @Test
    void anAnswerCarriesTheAgentsReportNumber() throws Exception {
        gateway.register(session);
        CompletableFuture<AgentAnswer<EnsureStoppedResult>> call = CompletableFuture.supplyAsync(() -> gateway.answer(HOST,
                AgentMethod.VM_ENSURE_STOPPED, new VmIdParams(VM), Duration.ofSeconds(10)));

        answer("{\"wasRunning\": true}", 42);

        assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(new AgentAnswer<>(new EnsureStoppedResult(true), 42));
    }

    @Test
    void anAnswerThatIsNotTheResultRecordIsAnAgentError() throws Exception {
        gateway.register(session);
        CompletableFuture<EnsureStoppedResult> call = CompletableFuture.supplyAsync(() -> gateway.call(HOST,
                AgentMethod.VM_ENSURE_STOPPED, new VmIdParams(VM), Duration.ofSeconds(10)));

        answer("{\"wasRunning\": {\"not\": \"a boolean\"}}", 1);

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(AgentException.class)
                .hasMessageContaining("cannot read")
                .satisfies(e -> assertThat(((AgentException) e).code()).isEqualTo(ErrorCode.AGENT_ERROR));
    }

    @Test
    void anEngineThatDoesNotLeadCommandsNoHost() {
        AgentGateway follower = new AgentGateway(Optional::empty);
        follower.register(session);
        assertThatThrownBy(() -> follower.call(HOST, AgentMethod.VM_ENSURE_STOPPED, new VmIdParams(VM)))
                .isInstanceOf(AgentException.class).hasMessageContaining("not the leader");
        assertThat(sent).isEmpty();
    }
}
