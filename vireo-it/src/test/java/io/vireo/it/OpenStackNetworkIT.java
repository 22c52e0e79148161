package io.vireo.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real OpenStack client (Debian's python3-openstackclient) against the lab engine's built-in network provider
 * (Neutron v2.0 under /networking, found through the identity API's catalog): networks, subnets with pools, a
 * gateway and DNS servers, ports with fixed IPs, routers with an interface and an external gateway, security groups
 * and rules, floating IPs, each by name, with {@code -f json} output checked field by field; and the refusals the
 * client shows for bad input (a fixed IP outside its subnet or taken, overlapping subnets on a router, a network with
 * ports, a subnet with a router interface, malformed rules, an external network made by a non-admin), after which
 * nothing is left half-made.
 */
class OpenStackNetworkIT extends LabTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PASSWORD = "openstack-network-it-password";
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static String user;
    private static String userId;
    private static Path home;
    /** What a test made, as "kind name-or-id", deleted in reverse order after it. */
    private final List<String[]> made = new ArrayList<>();

    @BeforeAll
    static void aUser() throws IOException {
        user = "osn-" + UUID.randomUUID().toString().substring(0, 6);
        userId = api.post("/api/users", Map.of("name", user, "password", PASSWORD)).body().get("id").asText();
        home = Files.createTempDirectory("openstack-network-home");
    }

    @AfterAll
    static void removeHome() throws IOException {
        if (home != null) {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    @AfterEach
    void removeTheNeutronObjects() throws Exception {
        for (int i = made.size() - 1; i >= 0; i--) {
            String[] object = made.get(i);
            List<String> command = new ArrayList<>(List.of(object[2].split(" ")));
            command.add(object[1]);
            openstack(object[0], command.toArray(String[]::new));
        }
    }

    @Test
    void theClientManagesNetworksSubnetsPortsRoutersGroupsAndFloatingIps() throws Exception {
        String s = UUID.randomUUID().toString().substring(0, 6);
        // an administrator's external network with a subnet
        JsonNode ext = json(ok(admin("network", "create", "ext-" + s, "--external", "-f", "json")));
        made.add(new String[]{"admin", "ext-" + s, "network delete"});
        assertThat(ext.get("router:external").asBoolean()).isTrue();
        assertThat(ext.get("provider:network_type").asText()).isEqualTo("vxlan");
        assertThat(ext.get("provider:segmentation_id").asInt()).isPositive();
        JsonNode extSub = json(ok(admin("subnet", "create", "extsub-" + s, "--network", "ext-" + s, "--subnet-range",
                "192.0.2.0/24", "--no-dhcp", "-f", "json")));
        made.add(new String[]{"admin", "extsub-" + s, "subnet delete"});
        assertThat(extSub.get("enable_dhcp").asBoolean()).isFalse();

        // the user's network
        JsonNode net = json(ok(openstack(user, "network", "create", "net-" + s, "-f", "json")));
        made.add(new String[]{user, net.get("id").asText(), "network delete"});
        assertThat(net.get("id").asText()).matches(UUID_PATTERN);
        assertThat(net.get("name").asText()).isEqualTo("net-" + s);
        assertThat(net.get("project_id").asText()).isEqualTo(userId);
        assertThat(net.get("admin_state_up").asBoolean()).isTrue();
        assertThat(net.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(net.get("mtu").asInt()).isEqualTo(1450);
        assertThat(net.get("shared").asBoolean()).isFalse();
        assertThat(net.get("router:external").asBoolean()).isFalse();
        assertThat(net.get("port_security_enabled").asBoolean()).isTrue();
        assertThat(net.get("subnets")).isEmpty();
        assertThat(net.get("tags")).isEmpty();
        assertThat(net.get("revision_number").asInt()).isZero();
        assertThat(net.get("provider:segmentation_id").isNull()).as("an admin's attribute").isTrue();
        assertThat(net.get("availability_zones")).hasSize(1);
        assertThat(net.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        assertThat(json(ok(openstack(user, "network", "show", "net-" + s, "-f", "json"))).get("id")).isEqualTo(net.get("id"));
        JsonNode list = json(ok(openstack(user, "network", "list", "-f", "json")));
        assertThat(names(list, "Name")).contains("net-" + s, "ext-" + s);
        JsonNode external = json(ok(openstack(user, "network", "list", "--external", "-f", "json")));
        assertThat(names(external, "Name")).contains("ext-" + s).doesNotContain("net-" + s);
        ok(openstack(user, "network", "set", "net-" + s, "--name", "netb-" + s, "--description", "the net"));
        JsonNode renamed = json(ok(openstack(user, "network", "show", "netb-" + s, "-f", "json")));
        assertThat(renamed.get("description").asText()).isEqualTo("the net");
        assertThat(renamed.get("revision_number").asInt()).isEqualTo(1);

        JsonNode sub = json(ok(openstack(user, "subnet", "create", "sub-" + s, "--network", "netb-" + s, "--subnet-range",
                "10.0.0.0/24", "--allocation-pool", "start=10.0.0.10,end=10.0.0.100", "--gateway", "10.0.0.1",
                "--dns-nameserver", "10.0.0.53", "-f", "json")));
        made.add(new String[]{user, sub.get("id").asText(), "subnet delete"});
        assertThat(sub.get("cidr").asText()).isEqualTo("10.0.0.0/24");
        assertThat(sub.get("ip_version").asInt()).isEqualTo(4);
        assertThat(sub.get("gateway_ip").asText()).isEqualTo("10.0.0.1");
        assertThat(sub.get("allocation_pools").toString()).isEqualTo("[{\"start\":\"10.0.0.10\",\"end\":\"10.0.0.100\"}]");
        assertThat(sub.get("dns_nameservers").toString()).isEqualTo("[\"10.0.0.53\"]");
        assertThat(sub.get("enable_dhcp").asBoolean()).isTrue();
        assertThat(sub.get("host_routes")).isEmpty();
        assertThat(sub.get("network_id")).isEqualTo(net.get("id"));
        assertThat(sub.get("project_id").asText()).isEqualTo(userId);

        JsonNode port = json(ok(openstack(user, "port", "create", "port-" + s, "--network", "netb-" + s, "--fixed-ip",
                "subnet=sub-" + s + ",ip-address=10.0.0.20", "-f", "json")));
        made.add(new String[]{user, port.get("id").asText(), "port delete"});
        assertThat(port.get("name").asText()).isEqualTo("port-" + s);
        assertThat(port.get("fixed_ips").toString()).isEqualTo("[{\"subnet_id\":\"" + sub.get("id").asText()
                + "\",\"ip_address\":\"10.0.0.20\"}]");
        assertThat(port.get("mac_address").asText()).matches("fa:16:3e(:[0-9a-f]{2}){3}");
        assertThat(port.get("network_id")).isEqualTo(net.get("id"));
        assertThat(port.get("status").asText()).isEqualTo("DOWN");
        assertThat(port.get("binding_host_id").asText()).isEmpty();
        assertThat(port.get("security_group_ids")).hasSize(1);
        assertThat(port.get("port_security_enabled").asBoolean()).isTrue();
        JsonNode ports = json(ok(openstack(user, "port", "list", "--network", "netb-" + s, "-f", "json")));
        assertThat(ports.toString()).as("the DHCP port took the first address of the pool").contains("10.0.0.10", "10.0.0.20");

        // a router joins the subnet and reaches the external network
        JsonNode router = json(ok(openstack(user, "router", "create", "r-" + s, "-f", "json")));
        made.add(new String[]{user, router.get("id").asText(), "router delete"});
        assertThat(router.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(router.get("external_gateway_info").isNull()).isTrue();
        ok(openstack(user, "router", "add", "subnet", "r-" + s, "sub-" + s));
        made.add(new String[]{user, "sub-" + s, "router remove subnet r-" + s});
        ok(openstack(user, "router", "set", "r-" + s, "--external-gateway", "ext-" + s));
        made.add(new String[]{user, "r-" + s, "router unset --external-gateway"});
        JsonNode shown = json(ok(openstack(user, "router", "show", "r-" + s, "-f", "json")));
        assertThat(shown.at("/external_gateway_info/network_id")).isEqualTo(ext.get("id"));
        assertThat(shown.at("/external_gateway_info/enable_snat").asBoolean()).isTrue();
        assertThat(shown.at("/external_gateway_info/external_fixed_ips/0/ip_address").asText()).startsWith("192.0.2.");
        assertThat(shown.get("interfaces_info")).hasSize(1);
        assertThat(shown.at("/interfaces_info/0/ip_address").asText()).isEqualTo("10.0.0.1");
        assertThat(shown.at("/interfaces_info/0/subnet_id")).isEqualTo(sub.get("id"));

        // a security group with a rule
        JsonNode group = json(ok(openstack(user, "security", "group", "create", "sg-" + s, "--description", "web",
                "-f", "json")));
        made.add(new String[]{user, group.get("id").asText(), "security group delete"});
        assertThat(group.get("description").asText()).isEqualTo("web");
        assertThat(group.get("stateful").asBoolean()).isTrue();
        assertThat(group.get("rules")).hasSize(1);
        assertThat(group.at("/rules/0/direction").asText()).isEqualTo("egress");
        JsonNode rule = json(ok(openstack(user, "security", "group", "rule", "create", "sg-" + s, "--protocol", "tcp",
                "--dst-port", "22", "--remote-ip", "0.0.0.0/0", "-f", "json")));
        assertThat(rule.get("direction").asText()).isEqualTo("ingress");
        assertThat(rule.get("ether_type").asText()).isEqualTo("IPv4");
        assertThat(rule.get("protocol").asText()).isEqualTo("tcp");
        assertThat(rule.get("port_range_min").asInt()).isEqualTo(22);
        assertThat(rule.get("port_range_max").asInt()).isEqualTo(22);
        assertThat(rule.get("remote_ip_prefix").asText()).isEqualTo("0.0.0.0/0");
        assertThat(rule.get("security_group_id")).isEqualTo(group.get("id"));
        JsonNode rules = json(ok(openstack(user, "security", "group", "rule", "list", "sg-" + s, "-f", "json")));
        assertThat(names(rules, "Port Range")).containsExactlyInAnyOrder("", "22:22");
        JsonNode groups = json(ok(openstack(user, "security", "group", "list", "-f", "json")));
        assertThat(names(groups, "Name")).contains("default", "sg-" + s);
        ok(openstack(user, "security", "group", "rule", "delete", rule.get("id").asText()));
        assertThat(json(ok(openstack(user, "security", "group", "rule", "list", "sg-" + s, "-f", "json")))).hasSize(1);

        // a floating IP translated to the port
        JsonNode fip = json(ok(openstack(user, "floating", "ip", "create", "ext-" + s, "-f", "json")));
        made.add(new String[]{user, fip.get("id").asText(), "floating ip delete"});
        String address = fip.get("floating_ip_address").asText();
        assertThat(address).startsWith("192.0.2.");
        assertThat(fip.get("name").asText()).isEqualTo(address);
        assertThat(fip.get("floating_network_id")).isEqualTo(ext.get("id"));
        assertThat(fip.get("port_id").isNull()).isTrue();
        assertThat(fip.get("status").asText()).isEqualTo("DOWN");
        ok(openstack(user, "floating", "ip", "set", "--port", "port-" + s, address));
        JsonNode associated = json(ok(openstack(user, "floating", "ip", "show", address, "-f", "json")));
        assertThat(associated.get("port_id")).isEqualTo(port.get("id"));
        assertThat(associated.get("fixed_ip_address").asText()).isEqualTo("10.0.0.20");
        assertThat(associated.get("router_id")).isEqualTo(router.get("id"));
        assertThat(associated.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(names(json(ok(openstack(user, "floating", "ip", "list", "-f", "json"))), "Fixed IP Address"))
                .contains("10.0.0.20");
        ok(openstack(user, "floating", "ip", "unset", "--port", address));
        JsonNode unset = json(ok(openstack(user, "floating", "ip", "show", address, "-f", "json")));
        assertThat(unset.get("port_id").isNull()).isTrue();
        assertThat(unset.get("fixed_ip_address").isNull()).isTrue();
        ok(openstack(user, "floating", "ip", "delete", address));
        made.removeIf(object -> object[1].equals(fip.get("id").asText()));
        assertThat(openstack(user, "floating", "ip", "show", address).exit()).isNotZero();

        // everything goes, by name, in the order Neutron allows
        ok(openstack(user, "router", "unset", "--external-gateway", "r-" + s));
        ok(openstack(user, "router", "remove", "subnet", "r-" + s, "sub-" + s));
        ok(openstack(user, "router", "delete", "r-" + s));
        ok(openstack(user, "port", "delete", "port-" + s));
        ok(openstack(user, "subnet", "delete", "sub-" + s));
        ok(openstack(user, "network", "delete", "netb-" + s));
        ok(openstack(user, "security", "group", "delete", "sg-" + s));
        made.removeIf(object -> object[0].equals(user));
        assertThat(openstack(user, "network", "show", "netb-" + s).err()).contains("No Network found for netb-" + s);
        assertThat(json(ok(openstack(user, "port", "list", "-f", "json")))).isEmpty();
    }

    @Test
    void badInputIsTheClientsClearRefusalAndLeavesNothingHalfMade() throws Exception {
        String s = UUID.randomUUID().toString().substring(0, 6);
        ok(openstack(user, "network", "create", "bad-" + s));
        made.add(new String[]{user, "bad-" + s, "network delete"});
        ok(openstack(user, "subnet", "create", "badsub-" + s, "--network", "bad-" + s, "--subnet-range", "10.1.0.0/24"));
        made.add(new String[]{user, "badsub-" + s, "subnet delete"});
        ok(openstack(user, "port", "create", "badport-" + s, "--network", "bad-" + s, "--fixed-ip",
                "subnet=badsub-" + s + ",ip-address=10.1.0.20"));
        made.add(new String[]{user, "badport-" + s, "port delete"});
        ok(openstack(user, "network", "create", "bad2-" + s));
        made.add(new String[]{user, "bad2-" + s, "network delete"});
        ok(openstack(user, "subnet", "create", "badsub2-" + s, "--network", "bad2-" + s, "--subnet-range", "10.1.0.0/16"));
        made.add(new String[]{user, "badsub2-" + s, "subnet delete"});
        ok(openstack(user, "router", "create", "badr-" + s));
        made.add(new String[]{user, "badr-" + s, "router delete"});
        ok(openstack(user, "router", "add", "subnet", "badr-" + s, "badsub-" + s));
        made.add(new String[]{user, "badsub-" + s, "router remove subnet badr-" + s});
        ok(openstack(user, "security", "group", "create", "badsg-" + s));
        made.add(new String[]{user, "badsg-" + s, "security group delete"});
        // ids and addresses: a port's status is the data path's, which binds the ports meanwhile
        List<String> portsBefore = ports();
        String networksBefore = ok(openstack(user, "network", "list", "-f", "json"));

        Result outside = openstack(user, "port", "create", "p2-" + s, "--network", "bad-" + s, "--fixed-ip",
                "subnet=badsub-" + s + ",ip-address=10.2.0.20");
        assertThat(outside.exit()).isNotZero();
        assertThat(outside.err()).contains("BadRequestException: 400", "IP address 10.2.0.20 is not a valid IP for the "
                + "specified subnet");
        Result taken = openstack(user, "port", "create", "p3-" + s, "--network", "bad-" + s, "--fixed-ip",
                "subnet=badsub-" + s + ",ip-address=10.1.0.20");
        assertThat(taken.exit()).isNotZero();
        assertThat(taken.err()).contains("ConflictException: 409", "IP address 10.1.0.20 already allocated in subnet");

        Result overlap = openstack(user, "router", "add", "subnet", "badr-" + s, "badsub2-" + s);
        assertThat(overlap.exit()).isNotZero();
        assertThat(overlap.err()).contains("BadRequestException: 400", "Bad router request: Cidr 10.1.0.0/16", "overlaps with "
                + "cidr 10.1.0.0/24");

        Result networkInUse = openstack(user, "network", "delete", "bad-" + s);
        assertThat(networkInUse.exit()).isNotZero();
        assertThat(networkInUse.err()).contains("ConflictException: 409", "There are one or more ports still in use on the "
                + "network", "1 of 1 networks failed to delete");
        Result subnetInUse = openstack(user, "subnet", "delete", "badsub-" + s);
        assertThat(subnetInUse.exit()).isNotZero();
        assertThat(subnetInUse.err()).contains("ConflictException: 409", "it is an interface of router");

        Result protocol = openstack(user, "security", "group", "rule", "create", "badsg-" + s, "--protocol", "teleport");
        assertThat(protocol.exit()).isNotZero();
        assertThat(protocol.err()).contains("BadRequestException: 400", "Security group rule protocol teleport not supported");
        Result prefix = openstack(user, "security", "group", "rule", "create", "badsg-" + s, "--remote-ip", "10.0.0.0/33");
        assertThat(prefix.exit()).isNotZero();
        assertThat(prefix.err()).contains("BadRequestException: 400", "remote_ip_prefix");
        assertThat(json(ok(openstack(user, "security", "group", "rule", "list", "badsg-" + s, "-f", "json")))).hasSize(1);

        Result external = openstack(user, "network", "create", "badext-" + s, "--external");
        assertThat(external.exit()).isNotZero();
        assertThat(external.err()).contains("HttpException: 403", "only an admin");

        assertThat(ports()).as("no port half-made").isEqualTo(portsBefore);
        assertThat(ok(openstack(user, "network", "list", "-f", "json"))).as("no network half-made").isEqualTo(networksBefore);
        assertThat(lab.engine().logText()).doesNotContain(PASSWORD);
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** The user's ports as "id addresses", sorted. */
    private static List<String> ports() throws Exception {
        List<String> ports = new ArrayList<>();
        json(ok(openstack(user, "port", "list", "-f", "json"))).forEach(port -> ports.add(port.get("ID").asText() + " "
                + port.get("Fixed IP Addresses")));
        ports.sort(null);
        return ports;
    }

    private static List<String> names(JsonNode rows, String column) {
        List<String> names = new ArrayList<>();
        rows.forEach(row -> names.add(row.get(column).isNull() ? "" : row.get(column).asText()));
        return names;
    }

    private static JsonNode json(String out) throws IOException {
        return MAPPER.readTree(out);
    }

    private static String ok(Result result) {
        assertThat(result.exit()).as(result.toString()).isZero();
        return result.out();
    }

    private static Result admin(String... arguments) throws Exception {
        return openstack("admin", arguments);
    }

    private static String authUrl() {
        return "https://" + lab.lab().rootAddress() + ":" + URI.create(api.baseUrl()).getPort() + "/identity/v3";
    }

    private record Result(int exit, String out, String err) {
    }

    /**
     * Runs {@code openstack} as the test's user or the lab's admin, scoped to its personal project, with the password in
     * its environment (never its arguments), trusting the engine's CA.
     */
    private static Result openstack(String as, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openstack", "--os-cacert", lab.caFile().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("OS_"));
        Map<String, String> os = new HashMap<>(Map.of("OS_AUTH_URL", authUrl(), "OS_IDENTITY_API_VERSION", "3",
                "OS_USERNAME", as, "OS_PASSWORD", as.equals("admin") ? LabEnvironment.ADMIN_PASSWORD : PASSWORD,
                "OS_PROJECT_NAME", as, "OS_USER_DOMAIN_NAME", "Default", "OS_PROJECT_DOMAIN_NAME", "Default",
                "OS_REGION_NAME", "RegionOne"));
        environment.putAll(os);
        environment.put("HOME", home.toString());
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("openstack " + String.join(" ", arguments) + " did not end in 180 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip(),
                Files.readString(err, StandardCharsets.UTF_8).strip());
    }
}
