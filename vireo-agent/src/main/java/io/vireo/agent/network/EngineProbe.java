package io.vireo.agent.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Whether this host still reaches its engine after a change of its networks: a check the engine
 * answers, not a guess from the host's own tables.
 */
@FunctionalInterface
public interface EngineProbe {
    /** Answers true as soon as the engine answers, false if it has not within the time given. */
    boolean reachable(Duration within);

    /**
     * Connects to the engine's agent endpoint (its host and port): the engine's own listening socket
     * acknowledges the connection (SYN-ACK), over whatever route and interface the host now uses to
     * reach it; tried again every second until the time is up.
     */
    static EngineProbe tcp(Supplier<URI> endpoint) {
        requireNonNull(endpoint, "endpoint");
        return within -> {
            URI uri = endpoint.get();
            int port = uri.getPort() > 0 ? uri.getPort() : ("wss".equals(uri.getScheme()) || "https".equals(uri.getScheme()) ? 443 : 80);
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                long started = System.nanoTime();
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(uri.getHost(), port), (int) Math.min(left, 1000));
                    return true;
                } catch (IOException e) {
                    if (System.nanoTime() >= deadline) {
                        return false;
                    }
                }
                // a refusal comes at once: the next try waits for the rest of the second (bounded, not a test's sleep)
                long spent = (System.nanoTime() - started) / 1_000_000;
                if (spent < 1000) {
                    try {
                        Thread.sleep(Math.min(1000 - spent, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
        };
    }
}
