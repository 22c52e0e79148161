package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.model.ErrorCode;
import io.vireo.model.rpc.AgentMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/** How the engine's features command agents: by host id, with the leader's epoch added to every call. */
public final class AgentGateway {
    private static final Logger log = LoggerFactory.getLogger(AgentGateway.class);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration RECONNECT_WAIT = Duration.ofSeconds(10);

    private final Supplier<Optional<Long>> epoch;
    private final Map<UUID, AgentSession> sessions = new ConcurrentHashMap<>();
    private volatile AgentCaller whenNotLeading = (hostId, method, params, timeout) -> {
        throw notLeading();
    };
    /** Signalled when a session registers, for commands waiting for their host's agent to dial in again. */
    private final ReentrantLock registration = new ReentrantLock();
    private final Condition registered = registration.newCondition();

    public AgentGateway(LeadershipLease leadership) {
        this(requireNonNull(leadership, "leadership")::epoch);
    }

    /** @param epoch the leader's epoch while this engine leads, else empty (a test gives it without a database) */
    AgentGateway(Supplier<Optional<Long>> epoch) {
        this.epoch = requireNonNull(epoch, "epoch");
    }

    /** Registers a new session of a host; an older session of the same host is closed. */
    public void register(AgentSession session) {
        AgentSession previous = sessions.put(session.hostId(), session);
        if (previous != null && previous != session) {
            log.info("Host {} connected again; closing its previous session", session.hostId());
            previous.close();
        }
        registration.lock();
        try {
            registered.signalAll();
        } finally {
            registration.unlock();
        }
    }

    /** Forgets a session; answers false if a newer session of the same host had replaced it already. */
    public boolean unregister(AgentSession session) {
        return sessions.remove(session.hostId(), session);
    }

    public boolean isConnected(UUID hostId) {
        AgentSession session = sessions.get(hostId);
        return session != null && !session.isClosed();
    }

    public Optional<AgentSession> session(UUID hostId) {
        return Optional.ofNullable(sessions.get(hostId));
    }

    public <P, R> R call(UUID hostId, AgentMethod<P, R> method, P params) {
        return call(hostId, method, params, DEFAULT_TIMEOUT);
    }

    public <P, R> R call(UUID hostId, AgentMethod<P, R> method, P params, Duration timeout) {
        return answer(hostId, method, params, timeout).result();
    }

    /** Like call, with the agent's report number for callers that order the result against the agent's events. */
    public <P, R> AgentAnswer<R> answer(UUID hostId, AgentMethod<P, R> method, P params, Duration timeout) {
        ObjectNode tree = AgentSession.MAPPER.valueToTree(requireNonNull(params, "params"));
        JsonNode result = send(hostId, method.name(), tree, timeout);
        if (result == null || result.isNull() || result.isMissingNode()) {
            throw new AgentException(ErrorCode.AGENT_ERROR, 0, "The agent of host " + hostId + " answered " + method.name()
                    + " without a result");
        }
        return new AgentAnswer<>(convert(result, method.resultType()), result.path(AgentSession.SEQ).asLong(0));
    }

    /**
     * Where calls go while this engine does not lead (the leader, through {@link AgentCallRelay}); without
     * one they are refused.
     */
    public void whenNotLeading(AgentCaller caller) {
        this.whenNotLeading = requireNonNull(caller, "caller");
    }

    /**
     * The one way a command leaves this engine: every typed call comes down to this JSON. The leader
     * sends it through its own session; any other instance hands it to the leader (or refuses it).
     */
    JsonNode send(UUID hostId, String method, ObjectNode params, Duration timeout) {
        if (epoch.get().isEmpty()) {
            return whenNotLeading.call(hostId, method, params, timeout);
        }
        return callHere(hostId, method, params, timeout);
    }

    /** A call through this engine's own session of the host, with its epoch; never forwarded, refused when not leading. */
    public JsonNode callHere(UUID hostId, String method, ObjectNode params, Duration timeout) {
        long current = epoch.get().orElseThrow(AgentGateway::notLeading);
        AgentSession session = awaitSession(hostId);
        if (session == null) {
            throw new AgentException(ErrorCode.HOST_UNREACHABLE, 0, "The agent of host " + hostId + " is not connected");
        }
        params.put("epoch", current);
        return session.call(method, params, timeout);
    }

    static AgentException notLeading() {
        return new AgentException(ErrorCode.INTERNAL_ERROR, 0, "This engine is not the leader; it does not command hosts");
    }

    /** Agents dial in again within seconds after a blip or an engine restart: a command waits for that briefly. */
    private AgentSession awaitSession(UUID hostId) {
        long deadline = System.nanoTime() + RECONNECT_WAIT.toNanos();
        registration.lock();
        try {
            while (true) {
                AgentSession session = sessions.get(hostId);
                if (session != null && !session.isClosed()) {
                    return session;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                registered.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            registration.unlock();
        }
    }

    private static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return AgentSession.MAPPER.treeToValue(node, type);
        } catch (Exception e) {
            throw new AgentException(ErrorCode.AGENT_ERROR, 0, "The agent answered something this engine cannot read: "
                    + e.getMessage());
        }
    }
}
