package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * VM NICs on an overlay network of the built-in provider, end to end on the lab's real guests: a network and
 * subnet made through the Neutron API, two guests on two hosts leasing their ports' addresses from the
 * network's DHCP service (dnsmasq in a namespace on one host, reached over VXLAN) and pinging each other,
 * one of them migrating while the other pings it (the loss is counted), and the hosts' wiring going when
 * the guests go.
 */
class OverlayIT extends LabTest {
    private static final Pattern PING = Pattern.compile("GUEST-PING (\\S+) (ok|lost) (\\d+)");

    private JsonNode neutron(String method, String path, Object body) {
        Api.Response response = switch (method) {
            case "POST" -> api.post("/networking/v2.0/" + path, body);
            case "PUT" -> api.put("/networking/v2.0/" + path, body);
            case "DELETE" -> api.delete("/networking/v2.0/" + path);
            default -> api.get("/networking/v2.0/" + path);
        };
        assertThat(response.status()).as(method + " " + path + ": " + response).isBetween(200, 204);
        return response.body();
    }

    private JsonNode portOf(String vmId) {
        JsonNode ports = neutron("GET", "ports?device_id=" + vmId, null).get("ports");
        assertThat(ports).hasSize(1);
        return ports.get(0);
    }

    @Test
    void guestsOnTwoHostsLeaseTheirPortsAddressesOverVxlanAndPingAcrossAMigration() {
        String network = neutron("POST", "networks", Map.of("network", Map.of("name", "ov-blue"))).get("network").get("id").asText();
        String subnet = neutron("POST", "subnets", Map.of("subnet", Map.of("network_id", network, "name", "ov-blue-v4", "ip_version", 4,
                "cidr", "10.77.0.0/24", "gateway_ip", "10.77.0.1",
                "allocation_pools", List.of(Map.of("start", "10.77.0.10", "end", "10.77.0.20"))))).get("subnet").get("id").asText();
        // the network's DHCP port takes the pool's first address, the guests' ports the next ones
        String addressA = "10.77.0.11";
        String addressB = "10.77.0.12";
        String a = scenario.createGuest("ov-a", List.of(), "labping=" + addressB);
        String b = scenario.createGuest("ov-b", List.of(), "labping=" + addressA);
        JsonNode nicA = api.post("/api/vms/" + a + "/nics", Map.of("name", "nic1", "networkId", network)).body();
        JsonNode nicB = api.post("/api/vms/" + b + "/nics", Map.of("name", "nic1", "networkId", network)).body();
        assertThat(nicA.get("portId").asText()).isEqualTo(portOf(a).get("id").asText());
        assertThat(portOf(a).get("fixed_ips").get(0).get("ip_address").asText()).isEqualTo(addressA);
        assertThat(portOf(b).get("fixed_ips").get(0).get("ip_address").asText()).isEqualTo(addressB);
        assertThat(portOf(a).get("fixed_ips").get(0).get("subnet_id").asText()).isEqualTo(subnet);
        assertThat(portOf(a).get("mac_address").asText()).isEqualTo(nicA.get("mac").asText());
        assertThat(portOf(a).get("device_owner").asText()).isEqualTo("compute:vireo");

        long start = System.nanoTime();
        scenario.action(a, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.action(b, "start", Map.of("hostId", lab.hostId("h2")));
        String tapA = "tap" + nicA.get("portId").asText().substring(0, 11);
        assertThat(lab.lab().host("h1").virsh("dumpxml", a)).contains("<source bridge='brq" + network.substring(0, 11) + "'")
                .contains("<target dev='" + tapA + "'").contains("<mtu size='1450'/>");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> scenario.consoleLog(a).contains("GUEST-NET eth0 " + addressA + "/24 dhcp"));
        System.out.printf("overlay: guest A holds its port's address %d ms after its start was asked%n",
                (System.nanoTime() - start) / 1_000_000);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> scenario.consoleLog(b).contains("GUEST-NET eth0 " + addressB + "/24 dhcp"));
        // the ports are bound where their guests run, and active
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(portOf(a).get("binding:host_id").asText()).isEqualTo(lab.hostId("h1"));
            assertThat(portOf(a).get("status").asText()).isEqualTo("ACTIVE");
            assertThat(portOf(b).get("binding:host_id").asText()).isEqualTo(lab.hostId("h2"));
        });

        // each reaches the other across the overlay
        await().atMost(Duration.ofSeconds(60)).until(() -> pings(scenario.consoleLog(a), addressB, "ok") > 0
                && pings(scenario.consoleLog(b), addressA, "ok") > 0);

        // B keeps pinging A while A moves to h2: the address stays, a few pings at most are lost
        int sentBefore = pingResults(scenario.consoleLog(b), addressA).size();
        long okBefore = pings(scenario.consoleLog(b), addressA, "ok");
        scenario.action(a, "migrate", Map.of("hostId", lab.hostId("h2")));
        assertThat(scenario.hostOf(a)).isEqualTo(lab.hostId("h2"));
        await().atMost(Duration.ofSeconds(60)).until(() -> pings(scenario.consoleLog(b), addressA, "ok") > okBefore + 3);
        List<String> after = pingResults(scenario.consoleLog(b), addressA);
        List<String> around = after.subList(sentBefore, after.size());
        long lost = around.stream().filter("lost"::equals).count();
        System.out.printf("overlay: pings from B to A from the migration's start to 4 answers after it: %d lost of %d%n", lost,
                around.size());
        assertThat(lost).as("pings lost across the migration").isLessThanOrEqualTo(5);
        assertThat(scenario.consoleLog(a).split("GUEST-NET eth0 ", -1)).hasSize(2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(portOf(a).get("binding:host_id").asText()).isEqualTo(lab.hostId("h2")));

        // a network with VM ports stays; the guests go, their ports with them, then the network
        scenario.action(a, "stop", null);
        scenario.action(b, "stop", null);
        Api.Response inUse = api.delete("/networking/v2.0/networks/" + network);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.body().get("NeutronError").get("type").asText()).isEqualTo("NetworkInUse");
        assertThat(api.delete("/api/vms/" + a).status()).isEqualTo(200);
        assertThat(api.delete("/api/vms/" + b).status()).isEqualTo(200);
        // their NICs went with them; the leader sweeps the ports they held (after 30 s: a younger port may be a
        // transaction's still under way), and then the network may go
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                neutron("GET", "ports?network_id=" + network + "&device_owner=compute:vireo", null).get("ports").isEmpty());
        neutron("DELETE", "networks/" + network, null);
        // every host drops the segment, the DHCP namespace and the bridge
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String host : List.of("h1", "h2")) {
                assertThat(inHost(host, "ip", "-o", "link", "show")).doesNotContain("brq" + network.substring(0, 11));
                assertThat(inHost(host, "ip", "netns", "list")).doesNotContain("qdhcp-" + network);
            }
        });
    }

    /** The output of a command run inside the lab host (its network and mount namespaces, as its agent sees them). */
    private String inHost(String host, String... command) {
        return lab.lab().host(host).runInHost(command);
    }

    private static List<String> pingResults(String log, String address) {
        List<String> results = new ArrayList<>();
        Matcher matcher = PING.matcher(log);
        while (matcher.find()) {
            if (matcher.group(1).equals(address)) {
                results.add(matcher.group(2));
            }
        }
        return results;
    }

    private static long pings(String log, String address, String result) {
        return pingResults(log, address).stream().filter(result::equals).count();
    }
}
