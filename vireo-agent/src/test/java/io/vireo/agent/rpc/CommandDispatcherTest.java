package io.vireo.agent.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.agent.hypervisor.HypervisorException;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.AgentMethods;
import io.vireo.model.rpc.EnsureStoppedResult;
import io.vireo.model.rpc.VmIdParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CommandDispatcherTest {
    record EchoParams(String value, boolean fail) {
    }

    record EchoResult(String value) {
    }

    private static final AgentMethod<EchoParams, EchoResult> ECHO = new AgentMethod<>("test.echo", EchoParams.class, EchoResult.class);

    private final AtomicInteger runs = new AtomicInteger();
    private final AgentCommand<EchoParams, EchoResult> echo = new AgentCommand<>() {
        @Override
        public AgentMethod<EchoParams, EchoResult> method() {
            return ECHO;
        }

        @Override
        public EchoResult execute(EchoParams params) {
            runs.incrementAndGet();
            if (params.fail()) {
                throw new HypervisorException("libvirt said no", null);
            }
            return new EchoResult(params.value());
        }
    };

    private static ObjectNode request(long id, String method, long epoch) {
        ObjectNode request = CommandDispatcher.MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        request.putObject("params").put("epoch", epoch).put("value", "v" + id);
        return request;
    }

    @Test
    void answersWithTheResultUnderTheRequestsId(@TempDir Path state) {
        CommandDispatcher dispatcher = new CommandDispatcher(List.of(echo), new EpochGuard(state.resolve("epoch")));
        ObjectNode response = dispatcher.dispatch(request(7, "test.echo", 1));
        assertThat(response.get("id").asLong()).isEqualTo(7);
        assertThat(response.get("result").get("value").asText()).isEqualTo("v7");
    }

    @Test
    void numbersEachAnswerAfterItsCommandRan(@TempDir Path state) {
        java.util.concurrent.atomic.AtomicLong reports = new java.util.concurrent.atomic.AtomicLong(41);
        CommandDispatcher dispatcher = new CommandDispatcher(List.of(echo), new EpochGuard(state.resolve("epoch")),
                reports::incrementAndGet);
        assertThat(dispatcher.dispatch(request(1, "test.echo", 1)).get("seq").asLong()).isEqualTo(42);
        assertThat(dispatcher.dispatch(request(2, "test.echo", 1)).get("seq").asLong()).isEqualTo(43);
    }

    @Test
    void refusesAnEpochLowerThanTheHighestSeenEvenAfterARestart(@TempDir Path state) {
        CommandDispatcher dispatcher = new CommandDispatcher(List.of(echo), new EpochGuard(state.resolve("epoch")));
        assertThat(dispatcher.dispatch(request(1, "test.echo", 5)).has("result")).isTrue();
        assertThat(dispatcher.dispatch(request(2, "test.echo", 5)).has("result")).isTrue();

        CommandDispatcher restarted = new CommandDispatcher(List.of(echo), new EpochGuard(state.resolve("epoch")));
        ObjectNode stale = restarted.dispatch(request(3, "test.echo", 4));
        assertThat(stale.get("error").get("code").asInt()).isEqualTo(AgentMethods.ERROR_STALE_EPOCH);
        assertThat(stale.get("error").get("message").asText()).contains("lower than 5");
        assertThat(runs.get()).isEqualTo(2);
        assertThat(restarted.dispatch(request(4, "test.echo", 6)).has("result")).isTrue();
    }

    @Test
    void refusesCommandsWithoutAnEpochAndUnknownMethods(@TempDir Path state) {
        CommandDispatcher dispatcher = new CommandDispatcher(List.of(echo), new EpochGuard(state.resolve("epoch")));
        ObjectNode noEpoch = request(1, "test.echo", 1);
        ((ObjectNode) noEpoch.get("params")).remove("epoch");
        assertThat(dispatcher.dispatch(noEpoch).get("error").get("code").asInt()).isEqualTo(AgentMethods.ERROR_STALE_EPOCH);
        assertThat(dispatcher.dispatch(request(2, "vm.fly", 1)).get("error").get("code").asInt()).isEqualTo(-32601);
        assertThat(runs.get()).isZero();
    }

    @Test
    void hostFailuresBecomeErrorsWithTheirSentence(@TempDir Path state) {
        CommandDispatcher dispatcher = new CommandDispatcher(List.of(echo), new EpochGuard(state.resolve("epoch")));
        ObjectNode failing = request(1, "test.echo", 1);
        ((ObjectNode) failing.get("params")).put("fail", true);
        JsonNode error = dispatcher.dispatch(failing).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(AgentMethods.ERROR_HOST_FAILURE);
        assertThat(error.get("message").asText()).isEqualTo("libvirt said no");
    }

    @Test
    void paramsThatDoNotFitTheRecordAreRefusedNamingTheParameter(@TempDir Path state) {
        CommandDispatcher dispatcher = new CommandDispatcher(List.of(echo), new EpochGuard(state.resolve("epoch")));
        ObjectNode request = request(1, "test.echo", 1);
        ((ObjectNode) request.get("params")).putObject("value").put("not", "a string");
        JsonNode error = dispatcher.dispatch(request).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(-32602);
        assertThat(error.get("message").asText()).startsWith("Invalid parameters for test.echo: the parameter value is not valid");
        assertThat(runs.get()).isZero();
    }

    @Test
    void aVmIdThatIsNoUuidIsRefusedBeforeTheCommandRuns(@TempDir Path state) {
        AgentCommand<VmIdParams, EnsureStoppedResult> stop = new AgentCommand<>() {
            @Override
            public AgentMethod<VmIdParams, EnsureStoppedResult> method() {
                return AgentMethod.VM_ENSURE_STOPPED;
            }

            @Override
            public EnsureStoppedResult execute(VmIdParams params) {
                runs.incrementAndGet();
                return new EnsureStoppedResult(false);
            }
        };
        CommandDispatcher dispatcher = new CommandDispatcher(List.of(stop), new EpochGuard(state.resolve("epoch")));
        ObjectNode request = request(1, AgentMethod.VM_ENSURE_STOPPED.name(), 1);
        ((ObjectNode) request.get("params")).put("vmId", "../../etc/passwd");
        JsonNode error = dispatcher.dispatch(request).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(-32602);
        assertThat(error.get("message").asText()).contains("vmId");
        assertThat(runs.get()).isZero();
    }
}
