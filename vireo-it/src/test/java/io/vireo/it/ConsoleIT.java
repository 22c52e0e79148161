package io.vireo.it;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Console tickets: a VNC session through the engine's WebSocket proxy, once, in time, with the ticket's password. */
class ConsoleIT extends LabTest {

    private URI proxy(Api.Response ticket) {
        return URI.create(api.baseUrl().replace("http://", "ws://") + ticket.body().get("proxyPath").asText());
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
        try (RfbClient client = RfbClient.connect(proxy(forSecond))) {
            assertThat(client.handshake(forFirst.body().get("password").asText())).containsExactly(-1, -1);
        }
        // and the first ticket still opens its own VM, with its own password
        try (RfbClient client = RfbClient.connect(proxy(forFirst))) {
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
        try (RfbClient client = RfbClient.connect(proxy(ticket))) {
            int[] size = client.handshake(password);
            assertThat(size[0]).isGreaterThan(0);
            assertThat(size[1]).isGreaterThan(0);
        }
        // used once: the same token is refused at the door
        assertThatThrownBy(() -> RfbClient.connect(proxy(ticket))).isInstanceOf(Exception.class);

        Api.Response second = api.post("/api/vms/" + vmId + "/ticket", null);
        try (RfbClient client = RfbClient.connect(proxy(second))) {
            assertThat(client.handshake("wrong-pw")).containsExactly(-1, -1);
        }

        Api.Response shortLived = api.post("/api/vms/" + vmId + "/ticket", Map.of("expirySeconds", 1));
        Thread.sleep(2500);
        assertThatThrownBy(() -> RfbClient.connect(proxy(shortLived))).isInstanceOf(Exception.class);
        // the VNC password expired with the ticket too: an older ticket's password no longer opens the display
        Api.Response fresh = api.post("/api/vms/" + vmId + "/ticket", null);
        try (RfbClient client = RfbClient.connect(proxy(fresh))) {
            assertThat(client.handshake(shortLived.body().get("password").asText())).containsExactly(-1, -1);
        }

        assertThat(api.post("/api/vms/" + vmId + "/ticket", Map.of("expirySeconds", 0)).status()).isEqualTo(400);
        assertThat(api.anonymous("POST", "/api/vms/" + vmId + "/ticket").status()).isEqualTo(401);
        scenario.action(vmId, "stop", null);
        assertThat(api.delete("/api/vms/" + vmId).status()).isEqualTo(200);
    }
}
