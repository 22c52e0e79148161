package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.ErrorCode;
import io.vireo.model.rpc.AgentMethods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The relay on a real PostgreSQL: a follower's call made by the leader's worker, answers and errors carried back. */
class AgentCallRelayTest {
    private static final Duration ALLOWANCE = Duration.ofSeconds(1);
    private static final UUID HOST = UUID.randomUUID();

    private final Database database = TestDatabase.fresh();
    private final AgentCallRepository requests = new AgentCallRepository(database.jdbi());
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final Deque<AutoCloseable> started = new ConcurrentLinkedDeque<>();
    private final List<Call> made = new CopyOnWriteArrayList<>();

    private record Call(String worker, UUID hostId, String method, ObjectNode params, Duration timeout) {
    }

    @AfterEach
    void stop() throws Exception {
        AutoCloseable next;
        while ((next = started.poll()) != null) {
            next.close();
        }
        database.close();
    }

    private AgentCallRelay follower() {
        AgentCallRelay relay = new AgentCallRelay(database, requests, "follower", ALLOWANCE, metrics);
        relay.start();
        started.push(relay);
        return relay;
    }

    /** A worker whose engine leads with epoch 7, making calls with {@code agent} in place of real sessions. */
    private void leader(String name, AgentCaller agent) {
        worker(name, Optional.of(7L), agent);
    }

    private void worker(String name, Optional<Long> epoch, AgentCaller agent) {
        AgentCallRelayWorker worker = new AgentCallRelayWorker(database, requests, () -> epoch,
                (hostId, method, params, timeout) -> {
                    made.add(new Call(name, hostId, method, params, timeout));
                    return agent.call(hostId, method, params, timeout);
                }, name);
        worker.start();
        started.push(worker);
    }

    private static ObjectNode params() {
        return AgentSession.MAPPER.createObjectNode();
    }

    private int rowsLeft() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM agent_call_relay").mapTo(Integer.class).one());
    }

    private double relayed(String outcome) {
        return metrics.counter("vireo_agent_calls_relayed", "outcome", outcome).count();
    }

    @Test
    void aFollowersCallIsMadeByTheLeaderAndAnswered() {
        leader("leader", (hostId, method, params, timeout) ->
                params().put("text", "GUEST-BOOTED\n").put("nextOffset", 13));
        AgentCallRelay relay = follower();

        JsonNode answer = relay.call(HOST, AgentMethods.VM_READ_CONSOLE_LOG, params().put("vmId", "vm-1").put("offset", 0),
                Duration.ofSeconds(15));

        assertThat(answer.get("text").asText()).isEqualTo("GUEST-BOOTED\n");
        assertThat(answer.get("nextOffset").asLong()).isEqualTo(13);
        assertThat(made).singleElement().satisfies(call -> {
            assertThat(call.hostId()).isEqualTo(HOST);
            assertThat(call.method()).isEqualTo(AgentMethods.VM_READ_CONSOLE_LOG);
            assertThat(call.timeout()).isEqualTo(Duration.ofSeconds(15));
            // the leader's gateway adds its own epoch; the follower has none to give
            assertThat(call.params()).isEqualTo(params().put("vmId", "vm-1").put("offset", 0));
        });
        assertThat(rowsLeft()).isZero();
        assertThat(relayed("answered")).isEqualTo(1);
    }

    @Test
    void anAgentErrorComesBackWithItsCodeAndMessage() {
        leader("leader", (hostId, method, params, timeout) -> {
            if (params.get("vmId").asText().equals("gone")) {
                throw new AgentException(ErrorCode.AGENT_ERROR, -32004, "Domain gone not found");
            }
            throw new AgentException(ErrorCode.HOST_UNREACHABLE, 0, "The agent of host " + hostId + " is not connected");
        });
        AgentCallRelay relay = follower();

        assertThatThrownBy(() -> relay.call(HOST, AgentMethods.VM_CANCEL_MIGRATION, params().put("vmId", "gone"),
                Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(AgentException.class, error -> {
                    assertThat(error.code()).isEqualTo(ErrorCode.AGENT_ERROR);
                    assertThat(error.rpcCode()).isEqualTo(-32004);
                    assertThat(error.getMessage()).isEqualTo("Domain gone not found");
                });
        assertThatThrownBy(() -> relay.call(HOST, AgentMethods.VM_CANCEL_MIGRATION, params().put("vmId", "other"),
                Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(AgentException.class, error -> {
                    assertThat(error.code()).isEqualTo(ErrorCode.HOST_UNREACHABLE);
                    assertThat(error.rpcCode()).isZero();
                    assertThat(error.getMessage()).isEqualTo("The agent of host " + HOST + " is not connected");
                });
        assertThat(rowsLeft()).isZero();
        assertThat(relayed("error")).isEqualTo(2);
    }

    @Test
    void withoutALeaderTheCallFailsClearlyAfterItsTimeout() {
        worker("follower-worker", Optional.empty(), (hostId, method, params, timeout) -> params());
        AgentCallRelay relay = follower();

        long start = System.nanoTime();
        assertThatThrownBy(() -> relay.call(HOST, AgentMethods.VM_SET_CONSOLE_PASSWORD,
                params().put("vmId", "vm-1").put("password", "s3cret"), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(AgentException.class, error -> {
                    assertThat(error.code()).isEqualTo(ErrorCode.HOST_UNREACHABLE);
                    assertThat(error.getMessage()).contains("vm.setConsolePassword", HOST.toString(), "within 2 s",
                            "no engine took the call: none leads now").doesNotContain("s3cret");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(made).isEmpty();
        assertThat(rowsLeft()).isZero();
        assertThat(relayed("unanswered")).isEqualTo(1);
    }

    @Test
    void eachRequestIsMadeOnceWhenTwoWorkersRace() throws Exception {
        AgentCaller echo = (hostId, method, params, timeout) -> params().put("n", params.get("n").asInt());
        leader("leader-a", echo);
        leader("leader-b", echo);
        AgentCallRelay relay = follower();

        List<Future<JsonNode>> answers = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int n = 0; n < 60; n++) {
                ObjectNode params = params().put("vmId", "vm-" + n).put("n", n).put("offset", 0);
                answers.add(callers.submit(() -> relay.call(HOST, AgentMethods.VM_READ_CONSOLE_LOG, params,
                        Duration.ofSeconds(20))));
            }
        }
        for (int n = 0; n < 60; n++) {
            assertThat(answers.get(n).get().get("n").asInt()).isEqualTo(n);
        }
        Map<Integer, AtomicInteger> times = new ConcurrentHashMap<>();
        made.forEach(call -> times.computeIfAbsent(call.params().get("n").asInt(), n -> new AtomicInteger()).incrementAndGet());
        assertThat(times).hasSize(60).allSatisfy((n, count) -> assertThat(count.get()).as("request %d", n).isEqualTo(1));
        assertThat(rowsLeft()).isZero();
    }

    @Test
    void rowsClaimedConcurrentlyGoToOneClaimerEach() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            UUID id = UUID.randomUUID();
            requests.submit(id, HOST, AgentMethods.VM_READ_CONSOLE_LOG, params().put("n", n), Duration.ofSeconds(5),
                    Duration.ofSeconds(60), "follower");
            ids.add(id);
        }
        List<UUID> claimed = new CopyOnWriteArrayList<>();
        try (ExecutorService claimers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String claimer : List.of("a", "b", "c", "d")) {
                claimers.submit(() -> {
                    List<AgentCallRepository.Claimed> batch;
                    do {
                        batch = requests.claim(claimer, 7, 3);
                        batch.forEach(request -> claimed.add(request.id()));
                    } while (!batch.isEmpty());
                    return null;
                });
            }
        }
        assertThat(claimed).hasSize(200).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void anAnswerWhoseNotificationWasMissedIsStillReturned() {
        leader("leader", (hostId, method, params, timeout) -> params().put("cancelled", true));
        // never started: it does not LISTEN, so no notification reaches it
        AgentCallRelay deaf = new AgentCallRelay(database, requests, "deaf-follower", ALLOWANCE, metrics);

        JsonNode answer = deaf.call(HOST, AgentMethods.VM_CANCEL_MIGRATION, params().put("vmId", "vm-1"), Duration.ofSeconds(1));

        assertThat(answer.get("cancelled").asBoolean()).isTrue();
        assertThat(rowsLeft()).isZero();
    }

    @Test
    void aRunningVmsNicChangesAskedOfAFollowerAreMadeByTheLeader() {
        leader("leader", (hostId, method, params, timeout) -> params().put("changed", true));
        AgentCallRelay relay = follower();

        for (String method : List.of(AgentMethods.VM_ENSURE_NIC_PLUGGED, AgentMethods.VM_SET_NIC_LINK, AgentMethods.VM_ENSURE_NIC_UNPLUGGED)) {
            assertThat(relay.call(HOST, method, params().put("vmId", "vm-1"), Duration.ofSeconds(15)).get("changed").asBoolean()).isTrue();
        }

        assertThat(made).extracting(call -> call.method()).containsExactly(AgentMethods.VM_ENSURE_NIC_PLUGGED,
                AgentMethods.VM_SET_NIC_LINK, AgentMethods.VM_ENSURE_NIC_UNPLUGGED);
        assertThat(rowsLeft()).isZero();
    }

    @Test
    void aLeadersOwnCommandIsNotForwarded() {
        leader("leader", (hostId, method, params, timeout) -> params());
        AgentCallRelay relay = follower();

        assertThatThrownBy(() -> relay.call(HOST, AgentMethods.VM_ENSURE_RUNNING, params(), Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(AgentException.class, error -> {
                    assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
                    assertThat(error.getMessage()).contains("vm.ensureRunning is a command only the leader gives");
                });
        assertThat(rowsLeft()).isZero();

        // and a row written for one anyway (an engine of another version) is answered with a refusal, not made
        UUID id = UUID.randomUUID();
        requests.submit(id, HOST, AgentMethods.VM_ENSURE_STOPPED, params().put("vmId", "vm-1"), Duration.ofSeconds(5),
                Duration.ofSeconds(30), "older-follower");
        await().atMost(Duration.ofSeconds(20)).until(() -> !requests.answered(List.of(id)).isEmpty());
        AgentCallRepository.Outcome outcome = requests.collect(id).orElseThrow();
        assertThat(outcome.errorCode()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(outcome.errorMessage()).contains("vm.ensureStopped only in its own jobs");
        assertThat(made).isEmpty();
    }

    @Test
    void theGatewayForwardsWhileItsEngineDoesNotLead() {
        // a lease never started: this engine does not lead
        AgentGateway gateway = new AgentGateway(new LeadershipLease(database.jdbi(), "follower", Duration.ofSeconds(10)));
        List<String> forwarded = new CopyOnWriteArrayList<>();
        gateway.whenNotLeading((hostId, method, params, timeout) -> {
            forwarded.add(method);
            return params().put("text", "forwarded to " + hostId).put("nextOffset", 9);
        });

        var answer = gateway.call(HOST, io.vireo.model.rpc.AgentMethod.VM_READ_CONSOLE_LOG,
                new io.vireo.model.rpc.ConsoleLogParams(UUID.randomUUID(), 0));
        assertThat(answer.text()).isEqualTo("forwarded to " + HOST);
        assertThat(answer.nextOffset()).isEqualTo(9);
        assertThat(forwarded).containsExactly(AgentMethods.VM_READ_CONSOLE_LOG);
        assertThatThrownBy(() -> gateway.callHere(HOST, AgentMethods.VM_READ_CONSOLE_LOG, params(), Duration.ofSeconds(1)))
                .isInstanceOf(AgentException.class).hasMessageContaining("not the leader");
    }
}
