package io.vireo.engine.hostlink;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agents' endpoint with a real agent-side client (mutual TLS with a certificate the CA signed):
 * the messages an agent may send are as large as a host's full VM list gets, and no larger.
 */
class AgentLinkServerTest {
    private static final char[] PASSWORD = "test".toCharArray();
    private AgentLinkServer server;

    /** What the link hands on, recorded (this test's stand-in for the host monitor). */
    private final BlockingQueue<String> notifications = new LinkedBlockingQueue<>();
    private final AgentLinkListener recorder = new AgentLinkListener() {
        @Override
        public void connected(AgentSession session) {
        }

        @Override
        public void notification(UUID hostId, String method, JsonNode params) {
            notifications.add(method + ":" + params.path("padding").asText().length());
        }

        @Override
        public void disconnected(AgentSession session) {
        }
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aHostsLargeReportArrivesAndAnOversizedMessageClosesTheLink(@TempDir Path directory) throws Exception {
        Host host = host(directory);
        startServer(host, recorder);

        SSLContext tls = host.tls();

        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket agent = HttpClient.newBuilder().sslContext(tls).build().newWebSocketBuilder()
                .buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/agent"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);

        // a full VM list of a host with thousands of VMs: one message of several MiB
        int large = 4 << 20;
        agent.sendText(notification("vm.list", large), true).get(30, TimeUnit.SECONDS);
        assertThat(notifications.poll(30, TimeUnit.SECONDS)).isEqualTo("vm.list:" + large);

        agent.sendText(notification("vm.list", AgentLinkServer.MAX_MESSAGE_BYTES), true).get(30, TimeUnit.SECONDS);
        // 1009: message too big
        assertThat(closed.get(30, TimeUnit.SECONDS)).isEqualTo(1009);
        assertThat(notifications).isEmpty();
    }

    /**
     * A notification whose handling waits for the answer to a call the engine made to the same host (a
     * request holding a VM's row while the host acts, and the host's report of that VM queued before its
     * answer) must not hold the answer back: the reader completes answers, notifications wait their turn.
     */
    @Test
    void anAnswerIsNotHeldBackByANotificationWaitingForIt(@TempDir Path directory) throws Exception {
        Host host = host(directory);
        CompletableFuture<AgentSession> connected = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
        AgentLinkListener waiting = new AgentLinkListener() {
            @Override
            public void connected(AgentSession session) {
                connected.complete(session);
            }

            @Override
            public void notification(UUID id, String method, JsonNode params) {
                try {
                    // like VmMonitor waiting for the VM's row, which the caller holds until the answer came
                    notifications.add(method + ":" + answered.await(20, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void disconnected(AgentSession session) {
            }
        };
        startServer(host, waiting);
        SSLContext tls = host.tls();
        // the agent: to each request, first a report, then the answer
        WebSocket agent = HttpClient.newBuilder().sslContext(tls).build().newWebSocketBuilder()
                .buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/agent"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        String id = data.toString().replaceAll(".*\"id\":(\\d+).*", "$1");
                        webSocket.sendText(notification("vm.stateChanged", 1), true).join();
                        webSocket.sendText("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"done\":true}}", true);
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);

        AgentSession session = connected.get(10, TimeUnit.SECONDS);
        JsonNode answer = session.call("vm.setNicLink", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(),
                java.time.Duration.ofSeconds(10));
        assertThat(answer.path("done").asBoolean()).isTrue();
        answered.countDown();
        // the report was handled too, after the answer had come
        assertThat(notifications.poll(10, TimeUnit.SECONDS)).isEqualTo("vm.stateChanged:true");
        agent.abort();
    }

    /** An enrolled host: the engine's CA, the host's key and the certificate the CA signed for it. */
    private record Host(CertificateAuthority authority, KeyPair keys, UUID id, X509Certificate certificate) {
        /** The host's side of mutual TLS: its key and certificate, and trust in the engine's CA. */
        SSLContext tls() throws Exception {
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            identity.setKeyEntry("host", keys.getPrivate(), PASSWORD, new Certificate[]{certificate, authority.certificate()});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(identity, PASSWORD);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(authority.trustStore());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return tls;
        }
    }

    private static Host host(Path directory) throws Exception {
        CertificateAuthority authority = CertificateAuthority.loadOrCreate(directory);
        KeyPair keys = CertificateAuthority.newKeyPair();
        UUID hostId = UUID.randomUUID();
        X509Certificate certificate = authority.signHost(Pem.write(new JcaPKCS10CertificationRequestBuilder(
                new X500Name("CN=host"), keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(keys.getPrivate()))), hostId.toString(), "127.0.0.1", java.time.Duration.ofDays(1));
        return new Host(authority, keys, hostId, certificate);
    }

    private void startServer(Host host, AgentLinkListener listener) throws Exception {
        server = new AgentLinkServer("127.0.0.1", 0, host.authority().serverKeyStore(List.of("localhost"), List.of("127.0.0.1"),
                PASSWORD), PASSWORD, host.authority().trustStore(),
                (id, serial) -> id.equals(host.id()) && serial.equals(host.certificate().getSerialNumber().toString(16)), listener);
        server.start();
    }

    private static String notification(String method, int padding) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":{\"padding\":\"" + "v".repeat(padding) + "\"}}";
    }
}
