package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.testkit.LabDhcp;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * VM NICs on a bridged host network, end to end: a network on the lab hosts' eth1 (their port on the
 * guests' switch br1) attached to the lab cluster, the hosts bridging it, two guests on two hosts
 * leasing addresses from a DHCP server on br1 and pinging each other, one of them migrating while it
 * pings; and a host that cannot carry a required network.
 */
class NetworkIT extends LabTest {
    private static final String ADDRESS_A = LabDhcp.SUBNET_PREFIX + "11";
    private static final String ADDRESS_B = LabDhcp.SUBNET_PREFIX + "12";
    /** A's second NIC, plugged in while it runs. */
    private static final String ADDRESS_C = LabDhcp.SUBNET_PREFIX + "13";
    private static final String MAC_C = "52:54:00:4e:49:43";

    private String createNetwork(String name, String hostNic) {
        Api.Response created = api.post("/api/networks", Map.of("name", name, "dataCenterId", lab.dataCenterId(), "hostNic", hostNic,
                "description", "guests of the lab"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.body().get("id").asText();
    }

    private void attach(String networkId, boolean required) {
        Api.Response attached = api.post("/api/clusters/" + lab.clusterId() + "/networks", Map.of("networkId", networkId, "required", required));
        assertThat(attached.status()).as(attached.toString()).isEqualTo(201);
    }

    private JsonNode addNic(String vmId, String networkId) {
        Api.Response added = api.post("/api/vms/" + vmId + "/nics", Map.of("name", "nic1", "networkId", networkId));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        return added.body();
    }

    private JsonNode hostNic(String host, String name) {
        for (JsonNode nic : api.get("/api/hosts/" + lab.hostId(host) + "/nics").body()) {
            if (nic.get("name").asText().equals(name)) {
                return nic;
            }
        }
        return null;
    }

    private boolean carries(String host, String bridge) {
        return carries(host, bridge, lab.lab().guestInterface());
    }

    private boolean carries(String host, String bridge, String hostNic) {
        JsonNode nic = hostNic(host, bridge);
        JsonNode port = hostNic(host, hostNic);
        return nic != null && nic.get("kind").asText().equals("bridge") && nic.get("up").asBoolean()
                && port != null && bridge.equals(port.path("master").asText());
    }

    @Test
    void guestsOnTwoHostsLeaseAddressesAndPingEachOtherAcrossAMigration() {
        String networkId = createNetwork("guests", lab.lab().guestInterface());
        String bridge = api.get("/api/networks/" + networkId).body().get("bridge").asText();
        long attachedAt = System.nanoTime();
        attach(networkId, true);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> carries("h1", bridge) && carries("h2", bridge));
        System.out.printf("both hosts carry bridge %s %d ms after the network was attached%n", bridge,
                (System.nanoTime() - attachedAt) / 1_000_000);
        assertThat(api.get("/api/hosts/" + lab.hostId("h1")).body().get("status").asText()).isEqualTo("UP");
        assertThat(hostNic("h1", "eth0").get("addresses")).extracting(JsonNode::asText).contains(lab.lab().host("h1").address() + "/24");
        assertThat(hostNic("h1", lab.lab().guestInterface()).get("addresses")).isEmpty();

        String a = scenario.createGuest("net-a", List.of(), "labping=" + ADDRESS_B);
        String b = scenario.createGuest("net-b", List.of(), "labping=" + ADDRESS_A);
        String macA = addNic(a, networkId).get("mac").asText();
        String macB = addNic(b, networkId).get("mac").asText();
        assertThat(macA).startsWith("56:6f:").isNotEqualTo(macB);
        Api.Response twice = api.post("/api/vms/" + b + "/nics", Map.of("name", "nic2", "networkId", networkId, "mac", macA));
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.error()).isEqualTo("MAC_IN_USE");

        try (LabDhcp dhcp = lab.lab().startDhcp(Map.of(macA, ADDRESS_A, macB, ADDRESS_B, MAC_C, ADDRESS_C))) {
            long start = System.nanoTime();
            scenario.action(a, "start", Map.of("hostId", lab.hostId("h1")));
            scenario.action(b, "start", Map.of("hostId", lab.hostId("h2")));
            assertThat(lab.lab().host("h1").virsh("dumpxml", a)).contains("<source bridge='" + bridge + "'")
                    .contains("<mac address='" + macA + "'").contains("<model type='virtio'");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> scenario.consoleLog(a).contains("GUEST-NET eth0 " + ADDRESS_A + "/24 dhcp"));
            System.out.printf("guest A holds its DHCP address %d ms after its start was asked%n", (System.nanoTime() - start) / 1_000_000);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> scenario.consoleLog(b).contains("GUEST-NET eth0 " + ADDRESS_B + "/24 dhcp"));
            assertThat(dhcp.log()).contains("DHCPACK(br1) " + ADDRESS_A + " " + macA).contains("DHCPACK(br1) " + ADDRESS_B + " " + macB);

            // each reaches the other across the two hosts
            await().atMost(Duration.ofSeconds(60)).until(() -> pings(scenario.consoleLog(a), ADDRESS_B, "ok") > 0
                    && pings(scenario.consoleLog(b), ADDRESS_A, "ok") > 0);

            // A's cable pulled (link down, live): B's pings to A go unanswered; plugged back: answered again
            String nicA = api.get("/api/vms/" + a + "/nics").body().get(0).get("id").asText();
            int sentAtDown = pingResults(scenario.consoleLog(b), ADDRESS_A).size();
            Api.Response down = api.put("/api/vms/" + a + "/nics/" + nicA, Map.of("linked", false));
            assertThat(down.status()).as(down.toString()).isEqualTo(200);
            assertThat(down.body().get("linked").asBoolean()).isFalse();
            assertThat(lab.lab().host("h1").virsh("dumpxml", a)).contains("<link state='down'/>");
            await().atMost(Duration.ofSeconds(30)).until(() -> since(scenario.consoleLog(b), ADDRESS_A, sentAtDown).stream()
                    .filter("lost"::equals).count() >= 3);
            int sentAtUp = pingResults(scenario.consoleLog(b), ADDRESS_A).size();
            Api.Response up = api.put("/api/vms/" + a + "/nics/" + nicA, Map.of("linked", true));
            assertThat(up.status()).as(up.toString()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> since(scenario.consoleLog(b), ADDRESS_A, sentAtUp).contains("ok"));
            assertThat(lab.lab().host("h1").virsh("dumpxml", a)).contains("<link state='up'/>");

            // a second NIC plugged into running A: the guest sees eth1 and leases its address on it
            long plugAt = System.nanoTime();
            Api.Response plugged = api.post("/api/vms/" + a + "/nics", Map.of("name", "nic2", "networkId", networkId, "mac", MAC_C));
            assertThat(plugged.status()).as(plugged.toString()).isEqualTo(201);
            String nicC = plugged.body().get("id").asText();
            assertThat(lab.lab().host("h1").virsh("dumpxml", a)).contains("<mac address='" + MAC_C + "'");
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                    .until(() -> scenario.consoleLog(a).contains("GUEST-NET eth1 " + ADDRESS_C + "/24 dhcp"));
            System.out.printf("guest A holds a DHCP address on its hot-plugged NIC %d ms after the plug was asked%n",
                    (System.nanoTime() - plugAt) / 1_000_000);
            assertThat(scenario.consoleLog(a)).contains("GUEST-NIC eth1 appeared");
            assertThat(dhcp.log()).contains("DHCPACK(br1) " + ADDRESS_C + " " + MAC_C);
            assertThat(api.get("/api/vms/" + a + "/nics").body()).hasSize(2);

            // B keeps pinging A while A moves to h2 and back: the address stays, the pings go on
            int sentBefore = pingResults(scenario.consoleLog(b), ADDRESS_A).size();
            long okBefore = pings(scenario.consoleLog(b), ADDRESS_A, "ok");
            scenario.action(a, "migrate", Map.of("hostId", lab.hostId("h2")));
            assertThat(scenario.hostOf(a)).isEqualTo(lab.hostId("h2"));
            // the destination got the hot-plugged NIC too: its spec came from the rows
            assertThat(lab.lab().host("h2").virsh("dumpxml", a)).contains("<mac address='" + MAC_C + "'")
                    .contains("<mac address='" + macA + "'");
            JsonNode migrated = lastEvent("VM_MIGRATED", a);
            System.out.println("migration of A with two NICs, default policy (maxDowntimeMs "
                    + api.get("/api/clusters/" + lab.clusterId()).body().path("migrationPolicy").path("maxDowntimeMs").asInt() + "): "
                    + migrated.get("message").asText());
            await().atMost(Duration.ofSeconds(60)).until(() -> pings(scenario.consoleLog(b), ADDRESS_A, "ok") > okBefore + 3);
            List<String> after = pingResults(scenario.consoleLog(b), ADDRESS_A);
            List<String> around = after.subList(sentBefore, after.size());
            System.out.printf("pings from B to A from the migration's start to 4 answers after it: %d lost of %d%n",
                    around.stream().filter("lost"::equals).count(), around.size());
            // A kept its address: it answers on it from h2, without a new lease; eth1 kept its own too
            assertThat(scenario.consoleLog(a).split("GUEST-NET eth0 ", -1)).hasSize(2);
            assertThat(scenario.consoleLog(a).split("GUEST-NET eth1 ", -1)).hasSize(2);

            // unplugged from A on h2: the guest lets eth1 go, the NIC and its row are gone
            Api.Response unplugged = api.delete("/api/vms/" + a + "/nics/" + nicC);
            assertThat(unplugged.status()).as(unplugged.toString()).isEqualTo(204);
            assertThat(lab.lab().host("h2").virsh("dumpxml", a)).doesNotContain(MAC_C).contains(macA);
            await().atMost(Duration.ofSeconds(30)).until(() -> scenario.consoleLog(a).contains("GUEST-NIC eth1 gone"));
            assertThat(api.get("/api/vms/" + a + "/nics").body()).hasSize(1);

            scenario.action(a, "stop", null);
            scenario.action(b, "stop", null);
        }
        // a network with NICs on it stays until they go
        Api.Response inUse = api.delete("/api/networks/" + networkId);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.error()).isEqualTo("ENTITY_IN_USE");
        assertThat(api.delete("/api/vms/" + a).status()).isEqualTo(200);
        assertThat(api.delete("/api/vms/" + b).status()).isEqualTo(200);
        assertThat(api.delete("/api/networks/" + networkId).status()).isEqualTo(204);
        // the hosts drop the bridge no network needs any more
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> hostNic("h1", bridge) == null && hostNic("h2", bridge) == null);
    }

    @Test
    void aHostWithoutTheNetworksInterfaceTakesNoVmOfItAndIsNonOperationalWhenItIsRequired() {
        String networkId = createNetwork("nowhere", "eth9");
        attach(networkId, false);
        String vm = scenario.createGuest("net-nowhere", List.of());
        addNic(vm, networkId);
        Api.Response start = api.post("/api/vms/" + vm + "/start", null);
        assertThat(start.status()).isEqualTo(202);
        String job = start.body().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/jobs/" + job).body().get("status").asText().equals("FAILED"));
        assertThat(api.get("/api/jobs/" + job).body().get("errorMessage").asText()).contains("lacks networks nowhere");
        assertThat(api.get("/api/hosts/" + lab.hostId("h1")).body().get("status").asText()).isEqualTo("UP");

        try {
            attach(networkId, true);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                for (String host : List.of("h1", "h2")) {
                    JsonNode shown = api.get("/api/hosts/" + lab.hostId(host)).body();
                    assertThat(shown.get("status").asText()).isEqualTo("NON_OPERATIONAL");
                    assertThat(shown.get("statusDetail").asText()).contains("nowhere").contains("the host has no interface eth9");
                }
            });
        } finally {
            attach(networkId, false);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (String host : List.of("h1", "h2")) {
                assertThat(api.get("/api/hosts/" + lab.hostId(host)).body().get("status").asText()).isEqualTo("UP");
            }
        });
        assertThat(api.delete("/api/clusters/" + lab.clusterId() + "/networks/" + networkId).status()).isEqualTo(409);
        assertThat(api.delete("/api/vms/" + vm).status()).isEqualTo(200);
        assertThat(api.delete("/api/clusters/" + lab.clusterId() + "/networks/" + networkId).status()).isEqualTo(204);
        assertThat(api.delete("/api/networks/" + networkId).status()).isEqualTo(204);
    }

    @Test
    void aRunningVmTakesNoNicOnANetworkItsHostDoesNotCarryAndBadNetworksAreRefused() {
        String networkId = createNetwork("lan-refusals", lab.lab().guestInterface());
        Map<String, Object> badVlan = new HashMap<>(Map.of("name", "v", "dataCenterId", lab.dataCenterId(), "hostNic", "eth1", "vlanId", 4095));
        Api.Response refused = api.post("/api/networks", badVlan);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error()).isEqualTo("INVALID_FIELD");
        assertThat(refused.message()).contains("vlanId must be between 1 and 4094");
        Api.Response duplicate = api.post("/api/networks", Map.of("name", "lan-refusals", "dataCenterId", lab.dataCenterId(), "hostNic", "eth1"));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.error()).isEqualTo("DUPLICATE_NAME");

        String vm = scenario.createGuest("net-running", List.of());
        Api.Response notAttached = api.post("/api/vms/" + vm + "/nics", Map.of("name", "nic1", "networkId", networkId));
        assertThat(notAttached.status()).isEqualTo(409);
        assertThat(notAttached.error()).isEqualTo("NETWORK_NOT_IN_CLUSTER");
        scenario.action(vm, "start", null);
        // attached, but on an interface the hosts do not have: no host carries it, so no NIC is plugged
        String nowhere = createNetwork("lan-nowhere", "eth9");
        attach(nowhere, false);
        Api.Response running = api.post("/api/vms/" + vm + "/nics", Map.of("name", "nic1", "networkId", nowhere));
        assertThat(running.status()).as(running.toString()).isEqualTo(409);
        assertThat(running.error()).isEqualTo("NETWORK_NOT_ON_HOST");
        assertThat(running.message()).contains("does not carry the NIC's network");
        assertThat(api.get("/api/vms/" + vm + "/nics").body()).isEmpty();
        Api.Response badLink = api.put("/api/vms/" + vm + "/nics/" + java.util.UUID.randomUUID(), Map.of("linked", "no"));
        assertThat(badLink.status()).isEqualTo(400);
        scenario.action(vm, "stop", null);
        assertThat(api.delete("/api/clusters/" + lab.clusterId() + "/networks/" + nowhere).status()).isEqualTo(204);
        assertThat(api.delete("/api/networks/" + nowhere).status()).isEqualTo(204);
    }

    /**
     * A network on the hosts' management interface (eth0, which holds the address their agents reach
     * the engine from): each host moves the address and the default route onto the bridge, checks that it
     * still reaches the engine, and stays Up; removed, the address goes back to eth0 and the host stays Up.
     */
    @Test
    void theManagementInterfaceIsBridgedAndUnbridgedWithoutLosingTheHosts() {
        String networkId = createNetwork("mgmt", "eth0");
        String bridge = api.get("/api/networks/" + networkId).body().get("bridge").asText();
        long attachedAt = System.nanoTime();
        attach(networkId, false);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> carries("h1", bridge, "eth0") && carries("h2", bridge, "eth0"));
        System.out.printf("both hosts carry their management address on bridge %s %d ms after the network was attached%n", bridge,
                (System.nanoTime() - attachedAt) / 1_000_000);
        for (String host : List.of("h1", "h2")) {
            String address = lab.lab().host(host).address() + "/24";
            assertThat(hostNic(host, bridge).get("addresses")).extracting(JsonNode::asText).containsExactly(address);
            assertThat(hostNic(host, "eth0").get("addresses")).isEmpty();
            assertThat(api.get("/api/hosts/" + lab.hostId(host)).body().get("status").asText()).isEqualTo("UP");
        }
        // the hosts still take commands: a guest starts on h1 over the moved address
        String vm = scenario.createGuest("net-mgmt", List.of());
        scenario.action(vm, "start", Map.of("hostId", lab.hostId("h1")));
        scenario.action(vm, "stop", null);

        assertThat(api.delete("/api/vms/" + vm).status()).isEqualTo(200);
        assertThat(api.delete("/api/clusters/" + lab.clusterId() + "/networks/" + networkId).status()).isEqualTo(204);
        assertThat(api.delete("/api/networks/" + networkId).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> hostNic("h1", bridge) == null && hostNic("h2", bridge) == null);
        for (String host : List.of("h1", "h2")) {
            assertThat(hostNic(host, "eth0").get("addresses")).extracting(JsonNode::asText)
                    .containsExactly(lab.lab().host(host).address() + "/24");
            assertThat(api.get("/api/hosts/" + lab.hostId(host)).body().get("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void aNicNamesAVnicProfileOfItsNetwork() {
        String networkId = createNetwork("lan-profiles", "eth7");
        attach(networkId, false);
        JsonNode profiles = api.get("/api/vnicprofiles?search=network=" + networkId).body();
        assertThat(profiles).singleElement().satisfies(profile -> assertThat(profile.get("name").asText()).isEqualTo("lan-profiles"));
        Api.Response tooBig = api.post("/api/vnicprofiles", Map.of("name", "big", "networkId", networkId, "mtu", 9000));
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.message()).contains("mtu must be between 68 and 1500");
        Api.Response created = api.post("/api/vnicprofiles", Map.of("name", "narrow", "networkId", networkId, "mtu", 1400, "linked", false));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String profileId = created.body().get("id").asText();

        String vm = scenario.createGuest("net-profiles", List.of());
        Api.Response nic = api.post("/api/vms/" + vm + "/nics", Map.of("name", "nic1", "profileId", profileId));
        assertThat(nic.status()).as(nic.toString()).isEqualTo(201);
        assertThat(nic.body().get("networkId").asText()).isEqualTo(networkId);
        assertThat(nic.body().get("profileId").asText()).isEqualTo(profileId);
        assertThat(nic.body().get("linked").asBoolean()).isFalse();
        Api.Response inUse = api.delete("/api/vnicprofiles/" + profileId);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.error()).isEqualTo("ENTITY_IN_USE");

        assertThat(api.delete("/api/vms/" + vm).status()).isEqualTo(200);
        assertThat(api.delete("/api/vnicprofiles/" + profileId).status()).isEqualTo(204);
        assertThat(api.delete("/api/vnicprofiles/" + profileId).status()).isEqualTo(404);
        assertThat(api.delete("/api/clusters/" + lab.clusterId() + "/networks/" + networkId).status()).isEqualTo(204);
        assertThat(api.delete("/api/networks/" + networkId).status()).isEqualTo(204);
        assertThat(api.get("/api/vnicprofiles?search=network=" + networkId).body()).isEmpty();
    }

    private JsonNode lastEvent(String code, String vmId) {
        JsonNode found = null;
        for (JsonNode event : api.get("/api/events?from=0&max=10000").body()) {
            if (event.get("code").asText().equals(code) && vmId.equals(event.path("vmId").asText())) {
                found = event;
            }
        }
        assertThat(found).as("a " + code + " event of VM " + vmId).isNotNull();
        return found;
    }

    /** The ping results said after the first {@code from}. */
    private static List<String> since(String log, String address, int from) {
        List<String> results = pingResults(log, address);
        return results.subList(Math.min(from, results.size()), results.size());
    }

    private static final Pattern PING = Pattern.compile("GUEST-PING (\\S+) (ok|lost) (\\d+)");

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
