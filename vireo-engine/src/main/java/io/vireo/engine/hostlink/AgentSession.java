package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.model.ErrorCode;
import io.vireo.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** One connected agent: JSON-RPC 2.0 calls out, answers and notifications in. */
public final class AgentSession {
    private static final Logger log = LoggerFactory.getLogger(AgentSession.class);
    static final ObjectMapper MAPPER = Json.lenientMapper();
    /** Field added to object answers: the agent's report number at the time the command had run. */
    static final String SEQ = "_seq";

    private final UUID hostId;
    private final Consumer<String> sender;
    private final Runnable closer;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Instant connectedAt = Instant.now();
    private final Optional<X509Certificate> certificate;
    private volatile boolean closed;

    public AgentSession(UUID hostId, Consumer<String> sender, Runnable closer) {
        this(hostId, Optional.empty(), sender, closer);
    }

    /** @param certificate the certificate the agent presented for this connection */
    public AgentSession(UUID hostId, Optional<X509Certificate> certificate, Consumer<String> sender, Runnable closer) {
        this.certificate = requireNonNull(certificate, "certificate");
        this.hostId = requireNonNull(hostId, "hostId");
        this.sender = requireNonNull(sender, "sender");
        this.closer = requireNonNull(closer, "closer");
    }

    public UUID hostId() {
        return hostId;
    }

    /** The certificate the agent presented for this connection (none in tests that make sessions by hand). */
    public Optional<X509Certificate> certificate() {
        return certificate;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    public JsonNode call(String method, ObjectNode params, Duration timeout) {
        if (closed) {
            throw new AgentException(ErrorCode.HOST_UNREACHABLE, 0, "The agent of host " + hostId + " is not connected");
        }
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode request = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        request.set("params", params);
        try {
            send(request.toString());
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AgentException(ErrorCode.HOST_UNREACHABLE, 0, "The agent of host " + hostId + " did not answer "
                    + method + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AgentException agentException) {
                throw agentException;
            }
            throw new AgentException(ErrorCode.AGENT_ERROR, 0, String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(ErrorCode.HOST_UNREACHABLE, 0, "interrupted while waiting for " + method);
        } finally {
            pending.remove(id);
        }
    }

    private void send(String text) {
        synchronized (sender) {
            sender.accept(text);
        }
    }

    /** Handles a text frame; answers the notification (method, params) if it is one, else null. */
    public Notification receive(String text) {
        JsonNode message;
        try {
            message = MAPPER.readTree(text);
        } catch (Exception e) {
            log.warn("Host {} sent a frame that is not JSON; ignored", hostId);
            return null;
        }
        JsonNode id = message.get("id");
        if (id != null && !id.isNull() && !message.has("method")) {
            CompletableFuture<JsonNode> answer = pending.get(id.asLong());
            if (answer != null) {
                JsonNode error = message.get("error");
                if (error != null && !error.isNull()) {
                    answer.completeExceptionally(new AgentException(ErrorCode.AGENT_ERROR, error.path("code").asInt(),
                            error.path("message").asText("the agent answered an error")));
                } else {
                    JsonNode result = message.get("result");
                    if (result instanceof com.fasterxml.jackson.databind.node.ObjectNode object && message.has("seq")) {
                        // the agent's report number, to order this answer against its events and lists
                        object.put(SEQ, message.get("seq").asLong());
                    }
                    answer.complete(result);
                }
            }
            return null;
        }
        if (message.hasNonNull("method")) {
            return new Notification(message.get("method").asText(), message.path("params"));
        }
        return null;
    }

    public void closed() {
        closed = true;
        AgentException gone = new AgentException(ErrorCode.HOST_UNREACHABLE, 0, "The connection to host " + hostId + " closed");
        pending.values().forEach(answer -> answer.completeExceptionally(gone));
    }

    public void close() {
        closed();
        closer.run();
    }

    public boolean isClosed() {
        return closed;
    }

    public record Notification(String method, JsonNode params) {
    }
}
