package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.model.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/** How the engine's features command agents: by host id, with the leader's epoch added to every call. */
public final class AgentGateway {
    private static final Logger log = LoggerFactory.getLogger(AgentGateway.class);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration RECONNECT_WAIT = Duration.ofSeconds(10);

    private final LeadershipLease leadership;
    private final Map<UUID, AgentSession> sessions = new ConcurrentHashMap<>();
    /** Signalled when a session registers, for commands waiting for their host's agent to dial in again. */
    private final ReentrantLock registration = new ReentrantLock();
    private final Condition registered = registration.newCondition();

    public AgentGateway(LeadershipLease leadership) {
        this.leadership = requireNonNull(leadership, "leadership");
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

    public ObjectNode params() {
        return AgentSession.MAPPER.createObjectNode();
    }

    public JsonNode call(UUID hostId, String method, ObjectNode params) {
        return call(hostId, method, params, DEFAULT_TIMEOUT);
    }

    public JsonNode call(UUID hostId, String method, ObjectNode params, Duration timeout) {
        long epoch = leadership.epoch().orElseThrow(() -> new AgentException(ErrorCode.INTERNAL_ERROR, 0,
                "This engine is not the leader; it does not command hosts"));
        AgentSession session = awaitSession(hostId);
        if (session == null) {
            throw new AgentException(ErrorCode.HOST_UNREACHABLE, 0, "The agent of host " + hostId + " is not connected");
        }
        params.put("epoch", epoch);
        return session.call(method, params, timeout);
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

    public <T> T convert(JsonNode node, Class<T> type) {
        try {
            return AgentSession.MAPPER.treeToValue(node, type);
        } catch (Exception e) {
            throw new AgentException(ErrorCode.AGENT_ERROR, 0, "The agent answered something this engine cannot read: "
                    + e.getMessage());
        }
    }
}
