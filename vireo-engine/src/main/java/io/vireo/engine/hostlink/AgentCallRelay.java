package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.NotificationLoop;
import io.vireo.model.ErrorCode;
import io.vireo.model.rpc.AgentMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * How an engine that does not lead makes an agent call an API request needs (a console log, a
 * console password, a migration abort): only the leader holds agent sessions and an epoch, so the
 * call goes to it through PostgreSQL, the one channel every instance already trusts. The request is
 * a row plus a NOTIFY; the leader's {@link AgentCallRelayWorker} makes the call with its own epoch
 * and writes the answer; this side waits for the answer's NOTIFY (no polling) and returns the result
 * or throws the same {@link AgentException}.
 *
 * <p>Only the calls an API request makes on its own thread are forwarded ({@link #FORWARDED}). A
 * leader's commands (start, stop, migrate, ...) run in jobs on the leader; a deposed leader whose
 * job thread still runs must get a refusal, not have its stale command made under the new epoch.
 */
public final class AgentCallRelay implements AgentCaller, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentCallRelay.class);
    /**
     * The agent calls API requests make on their own thread: reads, console access, and a running VM's
     * NIC changes, which the request commits to the database only once the host answered that it made them.
     */
    public static final Set<String> FORWARDED = Set.of(AgentMethods.VM_READ_CONSOLE_LOG, AgentMethods.STORAGE_LIST_BOOT_FILES,
            AgentMethods.VM_SET_CONSOLE_PASSWORD, AgentMethods.VM_CANCEL_MIGRATION, AgentMethods.VM_ENSURE_NIC_PLUGGED,
            AgentMethods.VM_ENSURE_NIC_UNPLUGGED, AgentMethods.VM_SET_NIC_LINK);
    /**
     * Time the leader gets beyond the call's own timeout: it may wait for the agent's session (an
     * agent dials in again after a blip), plus the two hops through the database.
     */
    public static final Duration LEADER_ALLOWANCE = AgentGateway.RECONNECT_WAIT.plusSeconds(5);

    private final Database database;
    private final AgentCallRepository requests;
    private final String instanceId;
    private final Duration leaderAllowance;
    private final Map<UUID, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final Counter answered;
    private final Counter failed;
    private final Counter unanswered;
    private NotificationLoop listener;

    public AgentCallRelay(Database database, AgentCallRepository requests, String instanceId, Duration leaderAllowance,
                          MeterRegistry metrics) {
        this.database = requireNonNull(database, "database");
        this.requests = requireNonNull(requests, "requests");
        this.instanceId = requireNonNull(instanceId, "instanceId");
        this.leaderAllowance = requireNonNull(leaderAllowance, "leaderAllowance");
        this.answered = outcomeCounter(metrics, "answered");
        this.failed = outcomeCounter(metrics, "error");
        this.unanswered = outcomeCounter(metrics, "unanswered");
    }

    private static Counter outcomeCounter(MeterRegistry metrics, String outcome) {
        return Counter.builder("vireo_agent_calls_relayed").tag("outcome", outcome)
                .description("Agent calls this engine had the leader make for it, by outcome").register(metrics);
    }

    public void start() {
        // Answers written while the loop did not listen (before it first did, or while it reconnected) are
        // looked up each time it listens again.
        listener = new NotificationLoop(database, AgentCallRepository.ANSWERED, "agent-call-relay-answers",
                new NotificationLoop.Listener() {
                    @Override
                    public void listening() {
                        requests.answered(waiting.keySet()).forEach(AgentCallRelay.this::wake);
                    }

                    @Override
                    public void woken(List<String> payloads) {
                        payloads.forEach(AgentCallRelay.this::wake);
                    }
                });
        listener.start();
    }

    @Override
    public JsonNode call(UUID hostId, String method, ObjectNode params, Duration timeout) {
        if (!FORWARDED.contains(method)) {
            throw new AgentException(ErrorCode.INTERNAL_ERROR, 0, "This engine is not the leader, and " + method
                    + " is a command only the leader gives (in a job)");
        }
        UUID id = UUID.randomUUID();
        Duration wait = timeout.plus(leaderAllowance);
        CompletableFuture<Void> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        try {
            requests.submit(id, hostId, method, params, timeout, wait, instanceId);
            log.debug("Asked the leader to call {} on host {} (request {})", method, hostId, id);
            answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // no word in time; taking the row away below still finds an answer whose notification was lost
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requests.collect(id);
            throw new AgentException(ErrorCode.HOST_UNREACHABLE, 0, "interrupted while the leader called " + method);
        } catch (ExecutionException e) {
            throw new IllegalStateException("an answer is only ever completed normally", e);
        } finally {
            waiting.remove(id);
        }
        return outcome(requests.collect(id).orElse(null), hostId, method, wait);
    }

    private JsonNode outcome(AgentCallRepository.Outcome outcome, UUID hostId, String method, Duration wait) {
        if (outcome == null || !outcome.answered()) {
            unanswered.increment();
            String why = outcome != null && outcome.claimed()
                    ? "the leading engine took the call but did not answer it"
                    : "no engine took the call: none leads now, or the leader cannot reach the database";
            throw new AgentException(ErrorCode.HOST_UNREACHABLE, 0, "This engine does not command hosts and had the "
                    + "leader call " + method + " on host " + hostId + ", but within " + wait.toSeconds() + " s " + why);
        }
        if (outcome.failed()) {
            failed.increment();
            throw new AgentException(outcome.errorCode(), outcome.rpcCode(), outcome.errorMessage());
        }
        answered.increment();
        return outcome.result();
    }

    private void wake(String id) {
        try {
            wake(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            log.debug("Ignored an answer notification that names no request: {}", id);
        }
    }

    private void wake(UUID id) {
        CompletableFuture<Void> answer = waiting.get(id);
        if (answer != null) {
            answer.complete(null);
        }
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
    }
}
