package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.model.ErrorCode;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * SQL of relayed agent calls (table agent_call_relay): a request row written by the engine that needs
 * the call, claimed and answered by the leader, and taken away (deleted) by the requester. Each change
 * that someone waits for sends a NOTIFY in the same transaction, so it arrives once it is committed.
 */
public final class AgentCallRepository {
    /** Wakes the leader's worker: a request was written. */
    public static final String REQUESTED = "vireo_agent_call_requested";
    /** Wakes the requester: its request was answered; the payload is the request's id. */
    public static final String ANSWERED = "vireo_agent_call_answered";
    /** How long a row outlives its deadline before the leader removes it (its requester must be gone). */
    private static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);

    private final Jdbi jdbi;

    public AgentCallRepository(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    /** A request the leader took, to be made through its own session of the host. */
    public record Claimed(UUID id, UUID hostId, String method, ObjectNode params, Duration timeout, String requestedBy) {
        public Claimed {
            requireNonNull(id, "id");
            requireNonNull(hostId, "hostId");
            requireNonNull(method, "method");
            requireNonNull(params, "params");
            requireNonNull(timeout, "timeout");
            requireNonNull(requestedBy, "requestedBy");
        }
    }

    /**
     * What became of a request when its requester took it away: whether a leader claimed it, whether
     * it was answered, and then either the agent's result or the error, code for code.
     */
    public record Outcome(boolean claimed, boolean answered, JsonNode result, ErrorCode errorCode, int rpcCode,
                          String errorMessage) {
        public boolean failed() {
            return errorCode != null;
        }
    }

    /** Writes a request the leader may take until {@code deadline} from now (database time), and wakes it. */
    public void submit(UUID id, UUID hostId, String method, ObjectNode params, Duration timeout, Duration deadline,
                       String requestedBy) {
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO agent_call_relay (id, host_id, method, params, timeout_ms, requested_by, deadline) "
                            + "VALUES (:id, :host, :method, CAST(:params AS jsonb), :timeout, :by, "
                            + "now() + make_interval(secs => :deadline))")
                    .bind("id", id).bind("host", hostId).bind("method", method).bind("params", params.toString())
                    .bind("timeout", timeout.toMillis()).bind("by", requestedBy)
                    .bind("deadline", deadline.toMillis() / 1000.0).execute();
            h.execute("NOTIFY " + REQUESTED);
        });
    }

    /**
     * Claims up to {@code max} requests nobody took whose deadline has not passed, for this instance
     * and epoch. SKIP LOCKED lets two claimers pass each other, and a claimed row is never claimed
     * again, so each request is made at most once.
     */
    public List<Claimed> claim(String instanceId, long epoch, int max) {
        return jdbi.inTransaction(h -> h.createQuery("UPDATE agent_call_relay SET claimed_by = :me, claimed_epoch = :epoch "
                        + "WHERE id IN (SELECT id FROM agent_call_relay WHERE claimed_by IS NULL AND deadline > now() "
                        + "ORDER BY created_at LIMIT :max FOR UPDATE SKIP LOCKED) "
                        + "RETURNING id, host_id, method, params::text AS params, timeout_ms, requested_by")
                .bind("me", instanceId).bind("epoch", epoch).bind("max", max)
                .map((rs, ctx) -> new Claimed(rs.getObject("id", UUID.class), rs.getObject("host_id", UUID.class),
                        rs.getString("method"), (ObjectNode) parse(rs.getString("params")),
                        Duration.ofMillis(rs.getLong("timeout_ms")), rs.getString("requested_by")))
                .list());
    }

    /** Records the agent's result of a claimed request and wakes its requester; false if the requester gave up. */
    public boolean answer(UUID id, String instanceId, JsonNode result) {
        return jdbi.inTransaction(h -> {
            int updated = h.createUpdate("UPDATE agent_call_relay SET answered_at = now(), result = CAST(:result AS jsonb) "
                            + "WHERE id = :id AND claimed_by = :me AND answered_at IS NULL")
                    .bind("id", id).bind("me", instanceId).bind("result", result == null ? null : result.toString()).execute();
            if (updated == 1) {
                notifyAnswered(h, id);
            }
            return updated == 1;
        });
    }

    /** Records the error a claimed request ended with and wakes its requester; false if the requester gave up. */
    public boolean fail(UUID id, String instanceId, AgentException error) {
        return jdbi.inTransaction(h -> {
            int updated = h.createUpdate("UPDATE agent_call_relay SET answered_at = now(), error_code = :code, "
                            + "error_rpc_code = :rpc, error_message = :message "
                            + "WHERE id = :id AND claimed_by = :me AND answered_at IS NULL")
                    .bind("id", id).bind("me", instanceId).bind("code", error.code().name()).bind("rpc", error.rpcCode())
                    .bind("message", error.getMessage()).execute();
            if (updated == 1) {
                notifyAnswered(h, id);
            }
            return updated == 1;
        });
    }

    private static void notifyAnswered(Handle h, UUID id) {
        // NOTIFY takes no bind parameters; a UUID's text is hex digits and dashes only
        h.execute("NOTIFY " + ANSWERED + ", '" + id + "'");
    }

    /** Takes a request away (answered or not) and says what became of it; empty if it is gone already. */
    public Optional<Outcome> collect(UUID id) {
        return jdbi.inTransaction(h -> h.createQuery("DELETE FROM agent_call_relay WHERE id = :id RETURNING claimed_by, "
                        + "answered_at, result::text AS result, error_code, error_rpc_code, error_message")
                .bind("id", id).map((rs, ctx) -> outcome(rs)).findOne());
    }

    /** Which of these requests have an answer waiting: to wake callers whose notification was missed. */
    public List<UUID> answered(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM agent_call_relay WHERE id = ANY(:ids) AND answered_at IS NOT NULL")
                .bindArray("ids", UUID.class, ids).mapTo(UUID.class).list());
    }

    /** Removes requests long past their deadline, whose requesters died before taking them away. */
    public int purgeAbandoned() {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM agent_call_relay WHERE deadline < now() - make_interval(secs => :after)")
                .bind("after", ABANDONED_AFTER.toSeconds()).execute());
    }

    private static Outcome outcome(ResultSet rs) throws SQLException {
        boolean answered = rs.getObject("answered_at") != null;
        String code = rs.getString("error_code");
        String result = rs.getString("result");
        return new Outcome(rs.getString("claimed_by") != null, answered, result == null ? null : parse(result),
                code == null ? null : errorCode(code), rs.getInt("error_rpc_code"), rs.getString("error_message"));
    }

    /** An engine of another version may answer a code this one does not know: it is still the agent's error. */
    private static ErrorCode errorCode(String name) {
        try {
            return ErrorCode.valueOf(name);
        } catch (IllegalArgumentException e) {
            return ErrorCode.AGENT_ERROR;
        }
    }

    private static JsonNode parse(String json) {
        try {
            return AgentSession.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
