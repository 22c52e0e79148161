package io.vireo.it;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Console tickets: a VNC session through the engine's WebSocket proxy, once, in time, with the
 * ticket's password. The display itself takes TLS only, with client certificates of the engine's CA
 * (the proxy does TLS towards it; the browser speaks plain RFB to the proxy over wss). The VMs made here are removed by {@link LabTest}'s sweep after each test.
 */
class ConsoleIT extends LabTest {
    private static final String USER_PASSWORD = "console-user-password-1";

    private URI proxy(Api.Response ticket) {
        return api.webSocket(ticket.body().get("proxyPath").asText());
    }

    @Test
    void aTicketIsForItsOwnVmOnly() throws Exception {
        String first = scenario.createGuest("screen-one", List.of());
        String second = scenario.createGuest("screen-two", List.of());
        scenario.action(first, "start", null);
        scenario.action(second, "start", null);

        Api.Response forFirst = api.post("/api/vms/" + first + "/ticket", null);
        Api.Response forSecond = api.post("/api/vms/" + second + "/ticket", null);
        assertThat(forFirst.status()).as(forFirst.toString()).isEqualTo(200);
        assertThat(forSecond.status()).as(forSecond.toString()).isEqualTo(200);
        // the first VM's password does not open the second VM's display, whose door the second ticket opens
        try (RfbClient client = RfbClient.connect(api, proxy(forSecond))) {
            assertThat(client.handshake(forFirst.body().get("password").asText())).containsExactly(-1, -1);
        }
        // and the first ticket still opens its own VM, with its own password
        try (RfbClient client = RfbClient.connect(api, proxy(forFirst))) {
            assertThat(client.handshake(forFirst.body().get("password").asText())[0]).isGreaterThan(0);
        }
        for (String vm : List.of(first, second)) {
            scenario.action(vm, "stop", null);
            assertThat(api.delete("/api/vms/" + vm).status()).isEqualTo(200);
        }
    }

    @Test
    void aTicketOpensTheVncConsoleOnceAndOnlyWithItsPassword() throws Exception {
        String vmId = scenario.createGuest("watched-screen", List.of());
        assertThat(api.post("/api/vms/" + vmId + "/ticket", null).status()).isEqualTo(409);
        scenario.action(vmId, "start", null);

        Api.Response ticket = api.post("/api/vms/" + vmId + "/ticket", Map.of("expirySeconds", 60));
        assertThat(ticket.status()).as(ticket.toString()).isEqualTo(200);
        String password = ticket.body().get("password").asText();
        try (RfbClient client = RfbClient.connect(api, proxy(ticket))) {
            int[] size = client.handshake(password);
            assertThat(size[0]).isGreaterThan(0);
            assertThat(size[1]).isGreaterThan(0);
        }
        // used once: the same token is refused at the door
        assertRefusedAtTheDoor(proxy(ticket));

        Api.Response second = api.post("/api/vms/" + vmId + "/ticket", null);
        try (RfbClient client = RfbClient.connect(api, proxy(second))) {
            assertThat(client.handshake("wrong-pw")).containsExactly(-1, -1);
        }

        assertThat(api.post("/api/vms/" + vmId + "/ticket", Map.of("expirySeconds", 0)).status()).isEqualTo(400);
        assertThat(api.anonymous("POST", "/api/vms/" + vmId + "/ticket").status()).isEqualTo(401);
    }

    @Test
    void aTicketAndItsPasswordExpireInTime() throws Exception {
        String vmId = scenario.createGuest("fading-screen", List.of());
        scenario.action(vmId, "start", null);
        String address = api.get("/api/hosts/" + scenario.hostOf(vmId)).body().get("address").asText();
        int port = scenario.vm(vmId).get("vncPort").asInt();

        Api.Response shortLived = api.post("/api/vms/" + vmId + "/ticket", Map.of("expirySeconds", 8));
        assertThat(shortLived.status()).as(shortLived.toString()).isEqualTo(200);
        String password = shortLived.body().get("password").asText();
        Instant expiresAt = Instant.parse(shortLived.body().get("expiresAt").asText());
        // straight to the display (a ticket through the proxy would set a new password): in time, the password opens it
        assertThat(handshakeWithTheDisplay(address, port, password)[0]).isPositive();

        // then the display refuses it, when the ticket ends and not before (libvirt keeps the validity to the second)
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> Arrays.equals(handshakeWithTheDisplay(address, port, password), new int[]{-1, -1}));
        assertThat(Instant.now()).isAfter(expiresAt.minusSeconds(1));

        // and the proxy refuses the token, never used, once its time is over
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(expiresAt));
        assertRefusedAtTheDoor(proxy(shortLived));
    }

    @Test
    void aConsoleEndsWhenItsUserLosesAccessOrIsDisabled() throws Exception {
        String vmId = scenario.createGuest("revoked-screen", List.of());
        scenario.action(vmId, "start", null);
        String name = "console-user-" + UUID.randomUUID().toString().substring(0, 8);
        String userId = api.post("/api/users", Map.of("name", name, "password", USER_PASSWORD)).body().get("id").asText();
        String grant = grantConsole(userId, vmId);
        Api user = lab.newApi().login(name, USER_PASSWORD);

        Api.Response ticket = user.post("/api/vms/" + vmId + "/ticket", null);
        assertThat(ticket.status()).as(ticket.toString()).isEqualTo(200);
        try (RfbClient client = RfbClient.connect(user, proxy(ticket))) {
            assertThat(client.handshake(ticket.body().get("password").asText())[0]).isPositive();
            Api.Response unused = user.post("/api/vms/" + vmId + "/ticket", null);
            assertThat(unused.status()).isEqualTo(200);
            // a change that takes nothing from this user leaves its console alone
            String otherUser = api.post("/api/users", Map.of("name", name + "-other", "password", USER_PASSWORD)).body()
                    .get("id").asText();
            assertThat(api.delete("/api/permissions/" + grantConsole(otherUser, vmId)).status()).isEqualTo(204);
            assertThat(client.endsWithin(Duration.ofSeconds(3))).as("console closed though the user kept access").isFalse();

            assertThat(api.delete("/api/permissions/" + grant).status()).isEqualTo(204);
            assertThat(client.endsWithin(Duration.ofSeconds(20))).as("console still open after the revoke").isTrue();
            // a ticket given out before the revoke opens nothing any more
            assertRefusedAtTheDoor(proxy(unused));
        }

        grantConsole(userId, vmId);
        Api.Response again = user.post("/api/vms/" + vmId + "/ticket", null);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        try (RfbClient client = RfbClient.connect(user, proxy(again))) {
            assertThat(client.handshake(again.body().get("password").asText())[0]).isPositive();
            assertThat(api.put("/api/users/" + userId, Map.of("enabled", false)).status()).isEqualTo(200);
            assertThat(client.endsWithin(Duration.ofSeconds(20))).as("console still open after the user was disabled").isTrue();
        }
    }

    private static String grantConsole(String userId, String vmId) {
        Api.Response granted = api.post("/api/permissions", Map.of("principalType", "USER", "principalId", userId,
                "role", "UserRole", "objectType", "VM", "objectId", vmId));
        assertThat(granted.status()).as(granted.toString()).isEqualTo(201);
        return granted.body().get("id").asText();
    }

    /**
     * The engine's proxy turns the WebSocket upgrade down with 403 Forbidden before any VNC byte flows
     * (not a failure to connect, not 401: the token is what it refuses).
     */
    private static void assertRefusedAtTheDoor(URI proxy) {
        assertThatThrownBy(() -> RfbClient.connect(api, proxy).close())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class, refusal ->
                        assertThat(refusal.getResponse().statusCode()).isEqualTo(403));
    }

    /** Straight to the display over TLS, with the certificate of the display's own host (one of the engine's CA). */
    private static int[] handshakeWithTheDisplay(String address, int port, String password) throws Exception {
        return RfbClient.handshakeOverTls(address, port, password, hostTls(address, true));
    }

    @Test
    void theDisplayTakesOnlyTlsWithACertificateOfTheEnginesCa() throws Exception {
        String vmId = scenario.createGuest("guarded-screen", List.of());
        scenario.action(vmId, "start", null);
        String address = api.get("/api/hosts/" + scenario.hostOf(vmId)).body().get("address").asText();
        int port = scenario.vm(vmId).get("vncPort").asInt();
        String password = api.post("/api/vms/" + vmId + "/ticket", null).body().get("password").asText();

        // plain RFB: QEMU offers VeNCrypt only, so a client that wants VNC authentication in the clear gets none
        try (RfbClient client = RfbClient.connectDirectly(address, port)) {
            assertThatThrownBy(() -> client.handshake(password)).hasMessageContaining("does not ask for a password");
        }
        // TLS without a client certificate: QEMU (vnc_tls_x509_verify) ends the handshake
        assertThatThrownBy(() -> RfbClient.handshakeOverTls(address, port, password, hostTls(address, false)))
                .isInstanceOfAny(javax.net.ssl.SSLException.class, java.io.IOException.class);
        // with one, the password opens it
        assertThat(handshakeWithTheDisplay(address, port, password)[0]).isPositive();
    }

    /** TLS as a host of this engine speaks it: its certificate and key as the agent wrote them, the engine's CA. */
    private static javax.net.ssl.SSLContext hostTls(String address, boolean withCertificate) throws Exception {
        io.vireo.testkit.LabHost host = lab.lab().hosts().stream().filter(h -> h.address().equals(address)).findFirst().orElseThrow();
        java.security.cert.X509Certificate ca = LabEnvironment.readCertificate(lab.caFile());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        javax.net.ssl.TrustManagerFactory trustManagers = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        javax.net.ssl.KeyManager[] keyManagers = null;
        if (withCertificate) {
            char[] password = "host".toCharArray();
            java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("host", io.vireo.model.Pem.readPrivateKey(java.nio.file.Files.readString(
                    host.pkiDir().resolve("clientkey.pem")), "clientkey.pem"), password, new java.security.cert.Certificate[]{
                    io.vireo.model.Pem.readCertificate(java.nio.file.Files.readString(host.pkiDir().resolve("clientcert.pem"))), ca});
            javax.net.ssl.KeyManagerFactory factory = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, password);
            keyManagers = factory.getKeyManagers();
        }
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(keyManagers, trustManagers.getTrustManagers(), null);
        return context;
    }
}
