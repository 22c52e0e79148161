package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code vireo network} and {@code vireo vm nic} verbs against the lab's engine, by name: an overlay and its
 * subnet, an external network, a router joining them, a VM NIC on the overlay, a floating IP forwarded to that NIC and
 * back, and a refusal (a network with a VM's port cannot go) printed as Neutron's sentence with its type.
 */
class NetworkCliIT extends LabTest {

    private List<String> environment() {
        return List.of("env", "VIREO_URL=" + api.baseUrl(), "VIREO_TOKEN=" + api.token(), "VIREO_CA_FILE=" + lab.caFile());
    }

    private String vireo(String... arguments) throws Exception {
        return VireoProcess.run(environment(), List.of(arguments), Duration.ofMinutes(1));
    }

    private static JsonNode json(String printed) throws Exception {
        return Json.lenientMapper().readTree(printed);
    }

    private JsonNode neutron(String path) {
        Api.Response response = api.get("/networking/v2.0/" + path);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.body();
    }

    @Test
    void anOverlayARouterAndAFloatingIpAreMadeByNameAndARefusalIsNeutronsSentence() throws Exception {
        String blue = json(vireo("network", "overlay", "create", "cli-blue")).get("id").asText();
        JsonNode subnet = json(vireo("network", "subnet", "create", "cli-blue", "--cidr", "10.79.0.0/24", "--pool",
                "10.79.0.10-10.79.0.20", "--dns", "192.0.2.53"));
        assertThat(subnet.get("name").asText()).isEqualTo("cli-blue-subnet");
        assertThat(subnet.get("network_id").asText()).isEqualTo(blue);
        assertThat(subnet.get("gateway_ip").asText()).isEqualTo("10.79.0.1");
        assertThat(subnet.get("allocation_pools").get(0).get("end").asText()).isEqualTo("10.79.0.20");
        assertThat(subnet.get("dns_nameservers").get(0).asText()).isEqualTo("192.0.2.53");
        String publicNet = json(vireo("network", "overlay", "create", "cli-public", "--external")).get("id").asText();
        vireo("network", "subnet", "create", "cli-public", "--cidr", "198.51.101.0/24");

        String router = json(vireo("network", "router", "create", "cli-edge", "--external-network", "cli-public")).get("id").asText();
        assertThat(neutron("routers/" + router).get("router").get("external_gateway_info").get("network_id").asText())
                .isEqualTo(publicNet);
        JsonNode joined = json(vireo("network", "router", "add-subnet", "cli-edge", "cli-blue-subnet"));
        assertThat(joined.get("subnet_id").asText()).isEqualTo(subnet.get("id").asText());
        assertThat(vireo("network", "router", "list")).contains("cli-edge");

        String vm = scenario.createGuest("cli-vm", List.of());
        JsonNode nic = json(vireo("vm", "nic", "add", "cli-vm", "--name", "nic1", "--network", "cli-blue", "--overlay"));
        String port = nic.get("portId").asText();
        assertThat(vireo("vm", "nic", "list", "cli-vm")).contains("nic1", port);
        assertThat(vireo("network", "port", "list", "--network", "cli-blue")).contains(port, "compute:vireo");

        String address = json(vireo("network", "floating-ip", "create", "--network", "cli-public")).get("floating_ip_address")
                .asText();
        JsonNode attached = json(vireo("network", "floating-ip", "attach", address, "cli-vm/nic1"));
        assertThat(attached.get("port_id").asText()).isEqualTo(port);
        assertThat(attached.get("fixed_ip_address").asText()).startsWith("10.79.0.");
        assertThat(json(vireo("network", "floating-ip", "detach", address)).get("port_id").isNull()).isTrue();

        // the overlay still has the VM's port: refused, in Neutron's words, and it stays
        String refused = VireoProcess.runExpectingFailure(environment(), List.of("network", "overlay", "delete", "cli-blue"),
                Duration.ofMinutes(1));
        assertThat(refused).contains("error: Unable to complete operation on network " + blue, "[NetworkInUse]");
        assertThat(neutron("networks/" + blue).get("network").get("id").asText()).isEqualTo(blue);

        vireo("network", "floating-ip", "delete", address);
        vireo("network", "router", "remove-subnet", "cli-edge", "cli-blue-subnet");
        vireo("network", "router", "delete", "cli-edge");
        assertThat(api.delete("/api/vms/" + vm).status()).isEqualTo(200);
        // the leader sweeps the deleted VM's port, then the overlay may go
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            try {
                vireo("network", "overlay", "delete", "cli-blue");
                return true;
            } catch (IllegalStateException e) {
                return false; // still in use: the port is not swept yet
            }
        });
        vireo("network", "overlay", "delete", "cli-public");
        assertThat(neutron("networks?name=cli-blue").get("networks")).isEmpty();
    }
}
