package io.vireo.engine.hostlink;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.x500.X500Principal;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiPredicate;

import static java.util.Objects.requireNonNull;

/**
 * The endpoint agents dial: WebSocket over TLS where the agent must present a certificate signed by
 * the engine's CA (or the previous one, after a rotation), whose subject is its host id and whose
 * serial is one the engine issued to that host and still accepts (the latest, or the one before it
 * until the agent has connected with the latest).
 */
public final class AgentLinkServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentLinkServer.class);
    private static final String HOST_ATTRIBUTE = "vireo.hostId";
    private static final String CERTIFICATE_ATTRIBUTE = "vireo.certificate";
    /**
     * The largest message (and frame: an agent sends each message as one) an agent may send: its
     * full VM list is one message, some 150 bytes a VM, so 16 MiB holds a hundred thousand. Jetty's
     * default, 64 KiB, would close the link of a host with a few hundred VMs.
     */
    public static final int MAX_MESSAGE_BYTES = 16 << 20;

    private final String bindAddress;
    private final int port;
    private final KeyStore keyStore;
    private final char[] keyStorePassword;
    private final KeyStore trustStore;
    private final BiPredicate<UUID, String> acceptedSerial;
    private final AgentLinkListener listener;
    private final Map<String, AgentSession> sessionsByWebSocket = new ConcurrentHashMap<>();
    /**
     * Each session's notifications, handled in order on a thread of their own: the socket's reader only
     * completes answers and queues notifications, so that a notification whose handling waits (on a VM's
     * row, which a request holds while it waits for this very host's answer) never holds back the answer
     * behind it, nor the frames that keep the connection alive.
     */
    private final Map<String, ExecutorService> notificationQueues = new ConcurrentHashMap<>();
    private Javalin app;

    public AgentLinkServer(String bindAddress, int port, KeyStore keyStore, char[] keyStorePassword, KeyStore trustStore,
                           BiPredicate<UUID, String> acceptedSerial, AgentLinkListener listener) {
        this.bindAddress = requireNonNull(bindAddress, "bindAddress");
        this.port = port;
        this.keyStore = requireNonNull(keyStore, "keyStore");
        this.keyStorePassword = requireNonNull(keyStorePassword, "keyStorePassword");
        this.trustStore = requireNonNull(trustStore, "trustStore");
        this.acceptedSerial = requireNonNull(acceptedSerial, "acceptedSerial");
        this.listener = requireNonNull(listener, "listener");
    }

    public void start() {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.concurrency.useVirtualThreads = true;
            config.jetty.modifyServer(server -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(keyStore);
                ssl.setKeyStorePassword(new String(keyStorePassword));
                ssl.setTrustStore(trustStore);
                ssl.setNeedClientAuth(true);
                HttpConfiguration https = new HttpConfiguration();
                https.addCustomizer(new SecureRequestCustomizer(false));
                ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                        new HttpConnectionFactory(https));
                connector.setHost(bindAddress);
                connector.setPort(port);
                server.setConnectors(new org.eclipse.jetty.server.Connector[]{connector});
            });
            config.jetty.modifyWebSocketServletFactory(factory -> {
                factory.setIdleTimeout(Duration.ofSeconds(30));
                factory.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
                factory.setMaxFrameSize(MAX_MESSAGE_BYTES);
                // the link is JSON text; nothing binary comes from an agent
                factory.setMaxBinaryMessageSize(1024);
            });
            config.routes.wsBeforeUpgrade("/agent", this::authenticate);
            config.routes.ws("/agent", ws -> {
                ws.onConnect(this::onConnect);
                ws.onMessage(ctx -> onMessage(ctx, ctx.message()));
                ws.onClose(this::onClose);
                ws.onError(ctx -> log.debug("Agent link error: {}", String.valueOf(ctx.error())));
            });
        });
        app.start();
        log.info("Agent endpoint listens on wss://{}:{}/agent (mutual TLS)", bindAddress, port());
    }

    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    private void authenticate(Context ctx) {
        X509Certificate[] chain = (X509Certificate[]) ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
        if (chain == null || chain.length == 0) {
            ctx.status(401).result("a client certificate is required");
            ctx.skipRemainingHandlers();
            return;
        }
        X509Certificate certificate = chain[0];
        Optional<UUID> hostId = hostIdOf(certificate.getSubjectX500Principal());
        String serial = certificate.getSerialNumber().toString(16);
        if (hostId.isEmpty() || !acceptedSerial.test(hostId.get(), serial)) {
            log.warn("Refused an agent with certificate {} (serial {}): not the certificate issued to a known host",
                    certificate.getSubjectX500Principal(), certificate.getSerialNumber().toString(16));
            ctx.status(403).result("this certificate was not issued to a host of this engine, or was replaced");
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.attribute(HOST_ATTRIBUTE, hostId.get().toString());
        ctx.attribute(CERTIFICATE_ATTRIBUTE, certificate);
    }

    static Optional<UUID> hostIdOf(X500Principal principal) {
        String name = principal.getName();
        if (!name.startsWith("CN=")) {
            return Optional.empty();
        }
        String cn = name.substring(3).split(",")[0];
        try {
            return Optional.of(UUID.fromString(cn));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void onConnect(WsContext ctx) {
        String host = ctx.attribute(HOST_ATTRIBUTE);
        if (host == null) {
            ctx.closeSession();
            return;
        }
        ctx.session.setIdleTimeout(Duration.ofSeconds(30));
        X509Certificate certificate = ctx.attribute(CERTIFICATE_ATTRIBUTE);
        AgentSession session = new AgentSession(UUID.fromString(host), Optional.ofNullable(certificate), ctx::send,
                ctx::closeSession);
        sessionsByWebSocket.put(ctx.sessionId(), session);
        notificationQueues.put(ctx.sessionId(), Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("agent-notifications-" + host).factory()));
        Thread.ofVirtual().start(() -> listener.connected(session));
    }

    private void onMessage(WsContext ctx, String text) {
        AgentSession session = sessionsByWebSocket.get(ctx.sessionId());
        if (session == null) {
            return;
        }
        AgentSession.Notification notification = session.receive(text);
        ExecutorService queue = notificationQueues.get(ctx.sessionId());
        if (notification != null && queue != null) {
            try {
                queue.execute(() -> {
                    if (session.isClosed()) {
                        return; // the session closed meanwhile: what it said no longer counts
                    }
                    try {
                        listener.notification(session.hostId(), notification.method(), notification.params());
                    } catch (RuntimeException e) {
                        log.warn("Handling {} from host {} failed: {}", notification.method(), session.hostId(), e.toString());
                    }
                });
            } catch (RejectedExecutionException closed) {
                // the session closed meanwhile: what it said no longer counts
            }
        }
    }

    private void onClose(WsContext ctx) {
        AgentSession session = sessionsByWebSocket.remove(ctx.sessionId());
        ExecutorService queue = notificationQueues.remove(ctx.sessionId());
        if (queue != null) {
            queue.shutdown();
        }
        if (session != null) {
            session.closed();
            listener.disconnected(session);
        }
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }
}
