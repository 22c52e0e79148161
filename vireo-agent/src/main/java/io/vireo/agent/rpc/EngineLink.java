package io.vireo.agent.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.model.Json;
import io.vireo.model.rpc.AgentEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The agent's connection to the engine: it dials, serves commands, pushes notifications, and dials
 * again whenever the connection drops (the engine never dials hosts).
 */
public final class EngineLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineLink.class);
    private static final ObjectMapper MAPPER = Json.lenientMapper();

    private final URI endpoint;
    private final Supplier<SSLContext> sslContext;
    private final CommandDispatcher dispatcher;
    private final Runnable onConnected;
    private final Object sendLock = new Object();
    private volatile WebSocket socket;
    private volatile boolean stopped;
    private Thread loop;

    /** @param sslContext the TLS of the agent's current certificate, asked anew for each connection (it renews) */
    public EngineLink(URI endpoint, Supplier<SSLContext> sslContext, CommandDispatcher dispatcher, Runnable onConnected) {
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.sslContext = requireNonNull(sslContext, "sslContext");
        this.dispatcher = requireNonNull(dispatcher, "dispatcher");
        this.onConnected = requireNonNull(onConnected, "onConnected");
    }

    public void start() {
        loop = Thread.ofPlatform().name("engine-link").daemon().start(this::connectLoop);
    }

    private void connectLoop() {
        long backoffMillis = 500;
        while (!stopped) {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            try {
                HttpClient client = HttpClient.newBuilder().sslContext(sslContext.get())
                        .connectTimeout(Duration.ofSeconds(5)).build();
                WebSocket ws = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(endpoint, new Listener(closed)).get(15, TimeUnit.SECONDS);
                socket = ws;
                backoffMillis = 500;
                log.info("Connected to the engine at {}", endpoint);
                Thread.ofVirtual().start(onConnected);
                closed.get();
            } catch (Exception e) {
                log.info("Cannot reach the engine at {}: {}", endpoint, rootMessage(e));
            }
            socket = null;
            if (!stopped) {
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 3000);
            }
        }
    }

    public boolean isConnected() {
        return socket != null;
    }

    /** Sends a notification; dropped silently when not connected (the next full report repairs it). */
    public <P> void notify(AgentEvent<P> event, P params) {
        ObjectNode message = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("method", event.name());
        message.set("params", MAPPER.valueToTree(params));
        send(message.toString());
    }

    private void send(String text) {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        synchronized (sendLock) {
            try {
                ws.sendText(text, true).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("Send failed: {}", rootMessage(e));
                ws.abort();
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final CompletableFuture<Void> closed;
        private final StringBuilder partial = new StringBuilder();

        Listener(CompletableFuture<Void> closed) {
            this.closed = closed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                Thread.ofVirtual().start(() -> handle(text));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            log.info("The engine closed the connection ({} {})", statusCode, reason);
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            log.info("The connection to the engine failed: {}", rootMessage(error));
            closed.complete(null);
        }
    }

    private void handle(String text) {
        try {
            JsonNode message = MAPPER.readTree(text);
            if (message.hasNonNull("method") && message.has("id")) {
                send(dispatcher.dispatch(message).toString());
            }
        } catch (Exception e) {
            log.warn("Cannot handle a message from the engine: {}", e.getMessage());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopped = true;
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        if (loop != null) {
            loop.interrupt();
        }
    }
}
