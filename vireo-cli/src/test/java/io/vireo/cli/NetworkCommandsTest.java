package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code vireo network} and {@code vireo vm nic} against a fake engine: an HTTP server that answers each request from a
 * table of canned answers (in the shapes of the engine's NetworkResource, VmResource and NeutronResource, whose real
 * behaviour the engine's tests check) and records what it is sent. It shows that names become ids through the right
 * lookups, that the bodies are the ones the engine reads, and that a refusal, in Vireo's or Neutron's error body, is
 * printed as the engine's sentence.
 */
class NetworkCommandsTest {
    private static final String VM = "11111111-1111-1111-1111-111111111111";
    private static final String PORT = "22222222-2222-2222-2222-222222222222";
    private static final String FLOATING_IP = "33333333-3333-3333-3333-333333333333";
    private static final String ROUTER = "44444444-4444-4444-4444-444444444444";
    private static final String SUBNET = "55555555-5555-5555-5555-555555555555";
    private static final String OVERLAY = "66666666-6666-6666-6666-666666666666";
    private static final String NIC = "77777777-7777-7777-7777-777777777777";

    /** "METHOD /path?query" to {status, body}. */
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    /** "METHOD /path?query body" for each request, in order. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private String savedHome;
    private HttpServer fakeEngine;

    private record Answer(int status, String body) {
    }

    @BeforeEach
    void engine(@TempDir Path home) throws IOException {
        assumeThat(System.getenv("VIREO_SESSION_FILE")).as("the session file is not set from outside").isNull();
        savedHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        fakeEngine = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeEngine.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(key + (body.isEmpty() ? "" : " " + body));
            Answer answer = answers.getOrDefault(key, new Answer(404, "{\"error\":\"NOT_FOUND\",\"message\":\"No route " + key + "\"}"));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), answer.status() == 204 ? -1 : bytes.length);
            if (answer.status() != 204) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        fakeEngine.start();
        new Session("http://127.0.0.1:" + fakeEngine.getAddress().getPort(), "a-token", Optional.empty()).save();
    }

    @AfterEach
    void stop() {
        fakeEngine.stop(0);
        System.setProperty("user.home", savedHome);
    }

    private void answer(String request, int status, String body) {
        answers.put(request, new Answer(status, body));
    }

    @Test
    void aRouterGetsASubnetNamedByNameThroughNeutronsInterfaceCall() {
        answer("GET /networking/v2.0/routers?name=edge", 200, "{\"routers\":[{\"id\":\"" + ROUTER + "\",\"name\":\"edge\"}]}");
        answer("GET /networking/v2.0/subnets?name=blue-subnet", 200,
                "{\"subnets\":[{\"id\":\"" + SUBNET + "\",\"name\":\"blue-subnet\"}]}");
        answer("PUT /networking/v2.0/routers/" + ROUTER + "/add_router_interface", 200, "{\"id\":\"" + ROUTER
                + "\",\"subnet_id\":\"" + SUBNET + "\",\"subnet_ids\":[\"" + SUBNET + "\"],\"port_id\":\"" + PORT + "\"}");

        Run run = vireo("network", "router", "add-subnet", "edge", "blue-subnet");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(requests).last().isEqualTo("PUT /networking/v2.0/routers/" + ROUTER + "/add_router_interface {\"subnet_id\":\""
                + SUBNET + "\"}");
        assertThat(run.out()).contains(PORT);
    }

    @Test
    void aSubnetIsMadeWithItsPoolsGatewayAndNameServers() throws Exception {
        answer("GET /networking/v2.0/networks?name=blue", 200, "{\"networks\":[{\"id\":\"" + OVERLAY + "\",\"name\":\"blue\"}]}");
        answer("POST /networking/v2.0/subnets", 201, "{\"subnet\":{\"id\":\"" + SUBNET + "\",\"cidr\":\"10.1.0.0/24\"}}");

        Run run = vireo("network", "subnet", "create", "blue", "--cidr", "10.1.0.0/24", "--gateway", "10.1.0.1",
                "--pool", "10.1.0.10-10.1.0.99", "--pool", "10.1.0.200-10.1.0.210", "--dns", "192.0.2.53");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode subnet = sent("POST /networking/v2.0/subnets").get("subnet");
        assertThat(subnet.get("name").asText()).isEqualTo("blue-subnet");
        assertThat(subnet.get("network_id").asText()).isEqualTo(OVERLAY);
        assertThat(subnet.get("ip_version").asInt()).isEqualTo(4);
        assertThat(subnet.get("cidr").asText()).isEqualTo("10.1.0.0/24");
        assertThat(subnet.get("gateway_ip").asText()).isEqualTo("10.1.0.1");
        assertThat(subnet.get("allocation_pools")).isEqualTo(ApiClient.MAPPER.readTree(
                "[{\"start\":\"10.1.0.10\",\"end\":\"10.1.0.99\"},{\"start\":\"10.1.0.200\",\"end\":\"10.1.0.210\"}]"));
        assertThat(subnet.get("dns_nameservers").toString()).isEqualTo("[\"192.0.2.53\"]");
        assertThat(subnet.has("enable_dhcp")).as("DHCP is Neutron's default: not sent").isFalse();

        Run none = vireo("network", "subnet", "create", "blue", "--cidr", "10.2.0.0/24", "--gateway", "none");
        assertThat(none.exitCode()).as(none.err()).isZero();
        JsonNode withoutGateway = sent("POST /networking/v2.0/subnets").get("subnet");
        assertThat(withoutGateway.has("gateway_ip")).isTrue();
        assertThat(withoutGateway.get("gateway_ip").isNull()).as("no gateway is Neutron's null").isTrue();
    }

    @Test
    void aPoolThatIsNotARangeIsRefusedBeforeAnythingIsSent() {
        answer("GET /networking/v2.0/networks?name=blue", 200, "{\"networks\":[{\"id\":\"" + OVERLAY + "\",\"name\":\"blue\"}]}");

        Run run = vireo("network", "subnet", "create", "blue", "--cidr", "10.1.0.0/24", "--pool", "10.1.0.10");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("error: --pool 10.1.0.10: give START-END");
        assertThat(requests).noneMatch(request -> request.startsWith("POST"));
    }

    @Test
    void aFloatingIpNamedByItsAddressIsForwardedToAVmsNicAndBack() throws Exception {
        answer("GET /api/vms?max=" + ClientCommands.LIST_MAX + "&search=name%3Dweb1", 200,
                "[{\"id\":\"" + VM + "\",\"name\":\"web1\"}]");
        answer("GET /api/vms/" + VM + "/nics", 200, "[{\"id\":\"" + NIC + "\",\"vmId\":\"" + VM + "\",\"name\":\"nic1\","
                + "\"networkId\":\"" + OVERLAY + "\",\"mac\":\"56:6f:00:00:00:01\",\"linked\":true,\"portId\":\"" + PORT + "\"}]");
        answer("GET /networking/v2.0/floatingips?floating_ip_address=203.0.113.7", 200, "{\"floatingips\":[{\"id\":\""
                + FLOATING_IP + "\",\"floating_ip_address\":\"203.0.113.7\"}]}");
        answer("PUT /networking/v2.0/floatingips/" + FLOATING_IP, 200, "{\"floatingip\":{\"id\":\"" + FLOATING_IP
                + "\",\"floating_ip_address\":\"203.0.113.7\",\"port_id\":\"" + PORT + "\",\"fixed_ip_address\":\"10.1.0.10\"}}");

        Run attach = vireo("network", "floating-ip", "attach", "203.0.113.7", "web1/nic1");
        assertThat(attach.exitCode()).as(attach.err()).isZero();
        assertThat(sent("PUT /networking/v2.0/floatingips/" + FLOATING_IP).toString())
                .isEqualTo("{\"floatingip\":{\"port_id\":\"" + PORT + "\"}}");
        assertThat(attach.out()).contains("10.1.0.10");

        Run detach = vireo("network", "floating-ip", "detach", "203.0.113.7");
        assertThat(detach.exitCode()).as(detach.err()).isZero();
        assertThat(sent("PUT /networking/v2.0/floatingips/" + FLOATING_IP).toString())
                .as("detaching is Neutron's port_id null, sent, not left out").isEqualTo("{\"floatingip\":{\"port_id\":null}}");
    }

    @Test
    void aFloatingIpCannotGoToANicOnALogicalNetworkAndNothingIsChanged() {
        answer("GET /api/vms?max=" + ClientCommands.LIST_MAX + "&search=name%3Dweb1", 200,
                "[{\"id\":\"" + VM + "\",\"name\":\"web1\"}]");
        answer("GET /api/vms/" + VM + "/nics", 200, "[{\"id\":\"" + NIC + "\",\"vmId\":\"" + VM + "\",\"name\":\"nic1\","
                + "\"networkId\":\"" + OVERLAY + "\",\"mac\":\"56:6f:00:00:00:01\",\"linked\":true,\"portId\":null}]");

        Run run = vireo("network", "floating-ip", "attach", "203.0.113.7", "web1/nic1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("error: NIC nic1 of VM web1 is on a logical network, which has no ports");
        assertThat(requests).noneMatch(request -> request.startsWith("PUT"));
    }

    @Test
    void neutronsRefusalIsPrintedAsItsSentenceWithItsType() {
        answer("GET /networking/v2.0/networks?name=blue", 200, "{\"networks\":[{\"id\":\"" + OVERLAY + "\",\"name\":\"blue\"}]}");
        answer("DELETE /networking/v2.0/networks/" + OVERLAY, 409, "{\"NeutronError\":{\"type\":\"NetworkInUse\",\"message\":"
                + "\"Unable to complete operation on network " + OVERLAY + ". There are one or more ports still in use on the "
                + "network: port " + PORT + " (compute:nova).\",\"detail\":\"\"}}");

        Run run = vireo("network", "overlay", "delete", "blue");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: Unable to complete operation on network " + OVERLAY + ". There are one or "
                + "more ports still in use on the network: port " + PORT + " (compute:nova). [NetworkInUse]");
        assertThat(run.out()).doesNotContain("deleted");
    }

    @Test
    void aNicIsAddedOnALogicalNetworkByNameAndLinkedDownByItsName() throws Exception {
        String network = "88888888-8888-8888-8888-888888888888";
        answer("GET /api/vms?max=" + ClientCommands.LIST_MAX + "&search=name%3Dweb1", 200,
                "[{\"id\":\"" + VM + "\",\"name\":\"web1\"}]");
        answer("GET /api/networks?max=" + ClientCommands.LIST_MAX + "&search=name%3Dlan", 200,
                "[{\"id\":\"" + network + "\",\"name\":\"lan\"}]");
        answer("POST /api/vms/" + VM + "/nics", 201, "{\"id\":\"" + NIC + "\",\"name\":\"nic1\"}");
        answer("GET /api/vms/" + VM + "/nics", 200, "[{\"id\":\"" + NIC + "\",\"name\":\"nic1\",\"linked\":true}]");
        answer("PUT /api/vms/" + VM + "/nics/" + NIC, 200, "{\"id\":\"" + NIC + "\",\"name\":\"nic1\",\"linked\":false}");

        Run add = vireo("vm", "nic", "add", "web1", "--name", "nic1", "--network", "lan");
        assertThat(add.exitCode()).as(add.err()).isZero();
        JsonNode created = sent("POST /api/vms/" + VM + "/nics");
        assertThat(created.get("name").asText()).isEqualTo("nic1");
        assertThat(created.get("networkId").asText()).isEqualTo(network);
        assertThat(created.get("linked").isNull()).as("the profile's default").isTrue();

        Run down = vireo("vm", "nic", "link", "down", "web1", "nic1");
        assertThat(down.exitCode()).as(down.err()).isZero();
        assertThat(sent("PUT /api/vms/" + VM + "/nics/" + NIC).toString()).isEqualTo("{\"linked\":false}");

        Run missing = vireo("vm", "nic", "link", "up", "web1", "eth9");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("error: The VM has no NIC named 'eth9' (it has nic1)");
    }

    @Test
    void vireosRefusalOfANicIsPrintedAsTheEnginesSentence() {
        answer("GET /api/vms?max=" + ClientCommands.LIST_MAX + "&search=name%3Dweb1", 200,
                "[{\"id\":\"" + VM + "\",\"name\":\"web1\"}]");
        answer("POST /api/vms/" + VM + "/nics", 409, "{\"error\":\"MAC_IN_USE\",\"message\":\"MAC 56:6f:00:00:00:01 is already "
                + "used by NIC nic1 of VM web2\"}");

        Run run = vireo("vm", "nic", "add", "web1", "--name", "nic2", "--network", OVERLAY, "--overlay",
                "--mac", "56:6f:00:00:00:01");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: MAC 56:6f:00:00:00:01 is already used by NIC nic1 of VM web2 [MAC_IN_USE]");
    }

    /** The body of the last request sent as "METHOD /path". */
    private JsonNode sent(String request) throws Exception {
        String last = requests.reversed().stream().filter(r -> r.startsWith(request + " ")).findFirst().orElseThrow(
                () -> new AssertionError("no " + request + " among " + requests));
        return ApiClient.MAPPER.readTree(last.substring(request.length() + 1));
    }

    private record Run(int exitCode, String out, String err) {
    }

    /** Runs the CLI; its verbs print to System.out, its errors to the command line's err. */
    private static Run vireo(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        CommandLine commandLine = Main.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exitCode = commandLine.execute(args);
        } finally {
            System.setOut(savedOut);
        }
        return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString());
    }
}
