package io.vireo.engine.neutron;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.auth.AuthService;
import io.vireo.engine.auth.LoginLimits;
import io.vireo.engine.auth.PasswordHasher;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.auth.RoleService;
import io.vireo.engine.auth.UserDirectory;
import io.vireo.engine.common.Principal;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.identity.IdentityResource;
import io.vireo.engine.identity.IdentityService;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.DataCenter;
import io.vireo.model.Group;
import io.vireo.model.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Neutron v2.0 API of the built-in provider on the engine's real HTTP edge and a real PostgreSQL, with tokens from
 * the identity API: the requests the openstack client sends (docs in /work/helpers), Neutron's JSON fields, filters,
 * statuses and error types, who sees what, and that every refused request leaves nothing behind.
 */
class NeutronResourceTest {
    private static final String PUBLIC_URL = "https://vireo.example:8443";
    private static final String PASSWORD = "correct horse battery";
    private static final String ADMIN_PASSWORD = "admin horse battery";
    private static final String N = "/networking/v2.0";

    private final Database database = TestDatabase.fresh();
    private final PasswordHasher hasher = new PasswordHasher(1024, 1);
    private final AuthService auth = new AuthService(database.jdbi(), hasher, Clock.systemUTC(), new LoginLimits(100, 1000));
    private final PermissionService permissions = new PermissionService(database.jdbi());
    private final DataCenterService dataCenters = new DataCenterService(database.jdbi(), new EventLog(database.jdbi()));
    private final NeutronService neutron = new NeutronService(database.jdbi(), dataCenters);
    private final ApiServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String aliceId;
    private final String opsId;
    private final String admin;
    private final String alice;
    private final String bob;
    private final DataCenter dc;

    NeutronResourceTest() throws Exception {
        new RoleService(database.jdbi()).ensureBuiltIns();
        auth.ensureAdmin(Optional.of(ADMIN_PASSWORD));
        UserDirectory directory = new UserDirectory(database.jdbi(), hasher, new EventLog(database.jdbi()));
        aliceId = directory.create(new User.Create("alice", PASSWORD, null, null)).id();
        directory.create(new User.Create("bob", PASSWORD, null, null));
        Principal root = auth.principalForToken(auth.login("password", "admin", ADMIN_PASSWORD, "10.0.0.1").access_token())
                .orElseThrow();
        Group ops = directory.createGroup(new Group.Create("ops", null));
        opsId = ops.id();
        directory.addMember(UUID.fromString(opsId), aliceId, root);
        dc = dataCenters.createDataCenter(new DataCenter.Create("dc1", null));
        dataCenters.createDataCenter(new DataCenter.Create("dc2", null));
        IdentityService identity = new IdentityService(auth, directory, permissions, List.of(NeutronResource.CATALOG),
                () -> PUBLIC_URL);
        server = new ApiServer("127.0.0.1", 0, auth::principalForToken, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(new IdentityResource(identity), new NeutronResource(neutron, identity, permissions, () -> PUBLIC_URL)),
                "test", Optional.empty());
        server.start();
        admin = token("admin", ADMIN_PASSWORD, "admin");
        alice = token("alice", PASSWORD, "alice");
        bob = token("bob", PASSWORD, "bob");
    }

    @AfterEach
    void close() {
        server.close();
        database.close();
    }

    @Test
    void theCatalogVersionsAndExtensionsAreWhatTheClientReads() throws Exception {
        HttpResponse<String> issued = send("POST", "/identity/v3/auth/tokens", null, "{\"auth\": {\"identity\": {\"methods\": "
                + "[\"password\"], \"password\": {\"user\": {\"name\": \"alice\", \"domain\": {\"name\": \"Default\"}, "
                + "\"password\": \"" + PASSWORD + "\"}}}, \"scope\": {\"project\": {\"name\": \"alice\", \"domain\": "
                + "{\"name\": \"Default\"}}}}}");
        JsonNode catalog = json(issued).at("/token/catalog");
        assertThat(StreamSupport.stream(catalog.spliterator(), false).filter(s -> s.get("type").asText().equals("network"))
                .map(s -> s.at("/endpoints/0/url").asText())).containsExactly(PUBLIC_URL + "/networking");

        HttpResponse<String> versions = send("GET", "/networking", null, null);
        assertThat(versions.statusCode()).isEqualTo(200);
        assertThat(json(versions).at("/versions/0/id").asText()).isEqualTo("v2.0");
        assertThat(json(versions).at("/versions/0/links/0/href").asText()).isEqualTo(PUBLIC_URL + N + "/");

        JsonNode extensions = json(send("GET", N + "/extensions", alice, null)).get("extensions");
        assertThat(strings(extensions, "alias")).contains("router", "external-net", "security-group", "port-security",
                "provider", "binding").doesNotContain("extraroute", "standard-attr-tag", "dhcp_agent_scheduler");
        assertThat(send("GET", N + "/extensions/router", alice, null).statusCode()).isEqualTo(200);
        HttpResponse<String> absent = send("GET", N + "/extensions/tag-ports-during-bulk-creation", alice, null);
        assertNeutronError(absent, 404, "ExtensionNotFound");

        HttpResponse<String> noToken = send("GET", N + "/networks", null, null);
        assertNeutronError(noToken, 401, "HTTPUnauthorized");
    }

    @Test
    void aNetworkIsMadeShownListedChangedAndRemovedWithNeutronsFields() throws Exception {
        HttpResponse<String> created = send("POST", N + "/networks", alice,
                "{\"network\": {\"name\": \"net1\", \"admin_state_up\": true, \"mtu\": \"1400\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode net = json(created).get("network");
        String id = net.get("id").asText();
        assertThat(net.get("name").asText()).isEqualTo("net1");
        assertThat(net.get("project_id").asText()).isEqualTo(aliceId);
        assertThat(net.get("tenant_id").asText()).isEqualTo(aliceId);
        assertThat(net.get("mtu").isInt()).isTrue();
        assertThat(net.get("mtu").asInt()).isEqualTo(1400);
        assertThat(net.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(net.get("shared").asBoolean(true)).isFalse();
        assertThat(net.get("router:external").asBoolean(true)).isFalse();
        assertThat(net.get("port_security_enabled").asBoolean(false)).isTrue();
        assertThat(net.get("subnets")).isEmpty();
        assertThat(net.get("tags")).isEmpty();
        assertThat(net.get("revision_number").asInt()).isZero();
        assertThat(net.get("availability_zones").get(0).asText()).isEqualTo("dc1");
        assertThat(net.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(net.has("provider:segmentation_id")).as("provider attributes are an admin's").isFalse();

        JsonNode seenByAdmin = json(send("GET", N + "/networks/" + id, admin, null)).get("network");
        assertThat(seenByAdmin.get("provider:network_type").asText()).isEqualTo("vxlan");
        assertThat(seenByAdmin.get("provider:segmentation_id").asInt()).isEqualTo(1);

        HttpResponse<String> defaultMtu = send("POST", N + "/networks", alice, "{\"network\": {\"name\": \"net2\", "
                + "\"availability_zone_hints\": [\"dc2\"]}}");
        assertThat(json(defaultMtu).at("/network/mtu").asInt()).isEqualTo(1450);
        assertThat(json(defaultMtu).at("/network/availability_zones/0").asText()).isEqualTo("dc2");
        String net2 = json(defaultMtu).at("/network/id").asText();
        assertThat(json(send("GET", N + "/networks/" + net2, admin, null)).at("/network/provider:segmentation_id").asInt())
                .as("the lowest free VNI").isEqualTo(2);

        // the client's find: GET by the name (404), then ?name=
        assertNeutronError(send("GET", N + "/networks/net1", alice, null), 404, "NetworkNotFound");
        JsonNode byName = json(send("GET", N + "/networks?name=net1", alice, null)).get("networks");
        assertThat(strings(byName, "id")).containsExactly(id);
        JsonNode projected = json(send("GET", N + "/networks?fields=id&fields=name", alice, null)).get("networks");
        assertThat(projected).hasSize(2);
        assertThat(projected.get(0).size()).isEqualTo(2);
        assertThat(strings(json(send("GET", N + "/networks?id=" + id + "&id=" + net2, alice, null)).get("networks"), "id"))
                .containsExactly(id, net2);
        assertThat(json(send("GET", N + "/networks?router%3Aexternal=False&shared=False", alice, null)).get("networks"))
                .hasSize(2);
        assertThat(json(send("GET", N + "/networks?router%3Aexternal=True", alice, null)).get("networks")).isEmpty();
        assertNeutronError(send("GET", N + "/networks?colour=blue", alice, null), 400, "HTTPBadRequest");

        HttpResponse<String> renamed = send("PUT", N + "/networks/" + id, alice,
                "{\"network\": {\"name\": \"net1b\", \"description\": \"d\"}}");
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        assertThat(json(renamed).at("/network/name").asText()).isEqualTo("net1b");
        assertThat(json(renamed).at("/network/revision_number").asInt()).isEqualTo(1);

        assertNeutronError(send("GET", N + "/networks/" + id, bob, null), 404, "NetworkNotFound");
        assertNeutronError(send("DELETE", N + "/networks/" + id, bob, null), 404, "NetworkNotFound");
        assertThat(send("DELETE", N + "/networks/" + id, alice, null).statusCode()).isEqualTo(204);
        assertNeutronError(send("GET", N + "/networks/" + id, alice, null), 404, "NetworkNotFound");
    }

    @Test
    void onlyAnAdminMakesExternalSharedOrProviderNetworks() throws Exception {
        for (String body : List.of("{\"network\": {\"name\": \"x\", \"router:external\": true}}",
                "{\"network\": {\"name\": \"x\", \"shared\": true}}",
                "{\"network\": {\"name\": \"x\", \"provider:network_type\": \"vxlan\", \"provider:segmentation_id\": \"42\"}}")) {
            assertNeutronError(send("POST", N + "/networks", alice, body), 403, "HTTPForbidden");
        }
        HttpResponse<String> provider = send("POST", N + "/networks", admin, "{\"network\": {\"name\": \"p\", "
                + "\"provider:network_type\": \"vxlan\", \"provider:segmentation_id\": \"42\"}}");
        assertThat(provider.statusCode()).as(provider.body()).isEqualTo(201);
        assertThat(json(provider).at("/network/provider:segmentation_id").asInt()).isEqualTo(42);
        assertNeutronError(send("POST", N + "/networks", admin, "{\"network\": {\"provider:segmentation_id\": 42}}"), 409,
                "TunnelIdInUse");
        HttpResponse<String> flat = send("POST", N + "/networks", admin, "{\"network\": {\"name\": \"ext\", \"router:external\": "
                + "true, \"provider:network_type\": \"flat\", \"provider:physical_network\": \"lab-bridge\"}}");
        assertThat(flat.statusCode()).as(flat.body()).isEqualTo(201);
        assertThat(json(flat).at("/network/provider:physical_network").asText()).isEqualTo("lab-bridge");
        assertThat(json(flat).at("/network/mtu").asInt()).isEqualTo(1500);
        assertNeutronError(send("POST", N + "/networks", admin, "{\"network\": {\"provider:network_type\": \"vlan\"}}"), 400,
                "InvalidInput");
        assertNeutronError(send("POST", N + "/networks", admin, "{\"network\": {\"provider:network_type\": \"flat\"}}"), 400,
                "InvalidInput");
        assertNeutronError(send("POST", N + "/networks", admin, "{\"network\": {\"mtu\": 9000}}"), 400, "InvalidInput");
        assertNeutronError(send("POST", N + "/networks", admin, "{\"network\": {\"availability_zone_hints\": [\"nowhere\"]}}"),
                404, "AvailabilityZoneNotFound");
        // bob sees the external network but not the admin's private one
        assertThat(strings(json(send("GET", N + "/networks", bob, null)).get("networks"), "name")).containsExactly("ext");
        assertThat(json(send("GET", N + "/networks", admin, null)).get("networks")).hasSize(2);
        assertNeutronError(send("PUT", N + "/networks/" + json(flat).at("/network/id").asText(), bob,
                "{\"network\": {\"name\": \"mine\"}}"), 403, "HTTPForbidden");
        assertThat(count("neutron_networks")).isEqualTo(2);
    }

    @Test
    void subnetsPortsAndTheirAddressesFollowIpamAndRefuseBadAddresses() throws Exception {
        String net = create("networks", "network", alice, "{\"name\": \"net1\"}");
        HttpResponse<String> subnet = send("POST", N + "/subnets", alice, "{\"subnet\": {\"name\": \"sub1\", \"network_id\": \""
                + net + "\", \"cidr\": \"10.0.0.0/24\", \"ip_version\": 4, \"gateway_ip\": \"10.0.0.1\", \"allocation_pools\": "
                + "[{\"start\": \"10.0.0.10\", \"end\": \"10.0.0.100\"}], \"dns_nameservers\": [\"10.0.0.53\"]}}");
        assertThat(subnet.statusCode()).as(subnet.body()).isEqualTo(201);
        JsonNode s = json(subnet).get("subnet");
        String sub = s.get("id").asText();
        assertThat(s.get("cidr").asText()).isEqualTo("10.0.0.0/24");
        assertThat(s.get("gateway_ip").asText()).isEqualTo("10.0.0.1");
        assertThat(s.get("ip_version").asInt()).isEqualTo(4);
        assertThat(s.get("allocation_pools").toString()).isEqualTo("[{\"start\":\"10.0.0.10\",\"end\":\"10.0.0.100\"}]");
        assertThat(s.get("dns_nameservers").toString()).isEqualTo("[\"10.0.0.53\"]");
        assertThat(s.get("enable_dhcp").asBoolean()).isTrue();
        assertThat(s.get("host_routes")).isEmpty();
        assertThat(json(send("GET", N + "/networks/" + net, alice, null)).at("/network/subnets/0").asText()).isEqualTo(sub);

        JsonNode dhcp = json(send("GET", N + "/ports?network_id=" + net + "&device_owner=network%3Adhcp", alice, null))
                .get("ports");
        assertThat(dhcp).hasSize(1);
        assertThat(dhcp.at("/0/fixed_ips/0/ip_address").asText()).as("the DHCP port takes the first free address")
                .isEqualTo("10.0.0.10");

        HttpResponse<String> port = send("POST", N + "/ports", alice, "{\"port\": {\"name\": \"port1\", \"network_id\": \"" + net
                + "\", \"admin_state_up\": true, \"fixed_ips\": [{\"subnet_id\": \"" + sub + "\", \"ip_address\": \"10.0.0.20\"}]}}");
        assertThat(port.statusCode()).as(port.body()).isEqualTo(201);
        JsonNode p = json(port).get("port");
        assertThat(p.at("/fixed_ips/0/ip_address").asText()).isEqualTo("10.0.0.20");
        assertThat(p.at("/fixed_ips/0/subnet_id").asText()).isEqualTo(sub);
        assertThat(p.get("mac_address").asText()).matches("fa:16:3e(:[0-9a-f]{2}){3}");
        assertThat(p.get("status").asText()).isEqualTo("DOWN");
        assertThat(p.get("binding:host_id").asText()).isEmpty();
        assertThat(p.get("security_groups")).as("the project's default group").hasSize(1);
        String defaultGroup = p.at("/security_groups/0").asText();
        assertThat(json(send("GET", N + "/security-groups/" + defaultGroup, alice, null)).at("/security_group/name").asText())
                .isEqualTo("default");

        JsonNode auto = json(send("POST", N + "/ports", alice, "{\"port\": {\"network_id\": \"" + net + "\"}}")).get("port");
        assertThat(auto.at("/fixed_ips/0/ip_address").asText()).isEqualTo("10.0.0.11");
        assertThat(strings(json(send("GET", N + "/ports?fixed_ips=ip_address%3D10.0.0.20", alice, null)).get("ports"), "name"))
                .containsExactly("port1");

        int ports = count("neutron_ports");
        assertNeutronError(send("POST", N + "/ports", alice, "{\"port\": {\"network_id\": \"" + net + "\", \"fixed_ips\": "
                + "[{\"subnet_id\": \"" + sub + "\", \"ip_address\": \"10.0.1.20\"}]}}"), 400, "InvalidIpForSubnet");
        assertNeutronError(send("POST", N + "/ports", alice, "{\"port\": {\"network_id\": \"" + net + "\", \"fixed_ips\": "
                + "[{\"subnet_id\": \"" + sub + "\", \"ip_address\": \"10.0.0.20\"}]}}"), 409, "IpAddressAlreadyAllocated");
        assertNeutronError(send("POST", N + "/ports", alice, "{\"port\": {\"network_id\": \"" + net + "\", \"mac_address\": \""
                + p.get("mac_address").asText() + "\"}}"), 409, "MacAddressInUse");
        assertNeutronError(send("POST", N + "/ports", alice, "{\"port\": {\"network_id\": \"" + net + "\", \"mac_address\": "
                + "\"01:00:5e:00:00:01\"}}"), 400, "InvalidInput");
        assertNeutronError(send("POST", N + "/ports", alice, "{\"port\": {\"network_id\": \"" + net + "\", "
                + "\"binding:host_id\": \"h1\"}}"), 400, "HTTPBadRequest");
        assertNeutronError(send("POST", N + "/subnets", alice, "{\"subnet\": {\"network_id\": \"" + net + "\", \"cidr\": "
                + "\"fd00::/64\", \"ip_version\": 6}}"), 400, "InvalidInput");
        assertNeutronError(send("POST", N + "/subnets", alice, "{\"subnet\": {\"network_id\": \"" + net + "\", \"cidr\": "
                + "\"10.0.0.128/25\", \"ip_version\": 4}}"), 400, "InvalidInput");
        assertNeutronError(send("POST", N + "/subnets", alice, "{\"subnet\": {\"network_id\": \"" + net + "\", \"cidr\": "
                + "\"10.9.0.0/24\", \"ip_version\": 4, \"allocation_pools\": [{\"start\": \"10.9.0.1\", \"end\": \"10.9.1.9\"}]}}"),
                400, "OutOfBoundsAllocationPool");
        assertThat(count("neutron_ports")).as("nothing half-made").isEqualTo(ports);
        assertThat(count("neutron_subnets")).isEqualTo(1);

        HttpResponse<String> changed = send("PUT", N + "/subnets/" + sub, alice, "{\"subnet\": {\"dns_nameservers\": "
                + "[\"10.0.0.54\"]}}");
        assertThat(json(changed).at("/subnet/dns_nameservers/0").asText()).isEqualTo("10.0.0.54");

        assertNeutronError(send("DELETE", N + "/networks/" + net, alice, null), 409, "NetworkInUse");
        assertNeutronError(send("DELETE", N + "/subnets/" + sub, alice, null), 409, "SubnetInUse");
        assertThat(send("DELETE", N + "/ports/" + p.get("id").asText(), alice, null).statusCode()).isEqualTo(204);
        assertThat(send("DELETE", N + "/ports/" + auto.get("id").asText(), alice, null).statusCode()).isEqualTo(204);
        assertThat(send("DELETE", N + "/networks/" + net, alice, null).statusCode()).as("the DHCP port goes with it")
                .isEqualTo(204);
        assertThat(count("neutron_ports")).isZero();
        assertThat(count("neutron_ip_allocations")).isZero();
    }

    @Test
    void routersJoinSubnetsReachExternalNetworksAndTranslateFloatingIps() throws Exception {
        String ext = create("networks", "network", admin, "{\"name\": \"ext1\", \"router:external\": true}");
        String extSub = create("subnets", "subnet", admin, "{\"network_id\": \"" + ext + "\", \"cidr\": \"192.0.2.0/24\", "
                + "\"ip_version\": 4, \"enable_dhcp\": false}");
        String net = create("networks", "network", alice, "{\"name\": \"net1\"}");
        String sub = create("subnets", "subnet", alice, "{\"network_id\": \"" + net + "\", \"cidr\": \"10.0.0.0/24\", "
                + "\"ip_version\": 4}");
        String other = create("networks", "network", alice, "{\"name\": \"net2\"}");
        String overlapping = create("subnets", "subnet", alice, "{\"network_id\": \"" + other + "\", \"cidr\": \"10.0.0.0/16\", "
                + "\"ip_version\": 4}");
        String port = create("ports", "port", alice, "{\"network_id\": \"" + net + "\"}");
        String router = create("routers", "router", alice, "{\"name\": \"r1\", \"admin_state_up\": true}");

        HttpResponse<String> added = send("PUT", N + "/routers/" + router + "/add_router_interface", alice,
                "{\"subnet_id\": \"" + sub + "\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        JsonNode info = json(added);
        assertThat(info.get("id").asText()).isEqualTo(router);
        assertThat(info.get("subnet_id").asText()).isEqualTo(sub);
        assertThat(info.get("network_id").asText()).isEqualTo(net);
        assertThat(info.get("subnet_ids").get(0).asText()).isEqualTo(sub);
        JsonNode routerPorts = json(send("GET", N + "/ports?device_id=" + router, alice, null)).get("ports");
        assertThat(routerPorts).hasSize(1);
        assertThat(routerPorts.at("/0/device_owner").asText()).isEqualTo("network:router_interface");
        assertThat(routerPorts.at("/0/fixed_ips/0/ip_address").asText()).isEqualTo("10.0.0.1");
        assertNeutronError(send("DELETE", N + "/ports/" + info.get("port_id").asText(), alice, null), 409, "ServicePortInUse");

        int ports = count("neutron_ports");
        assertNeutronError(send("PUT", N + "/routers/" + router + "/add_router_interface", alice,
                "{\"subnet_id\": \"" + overlapping + "\"}"), 400, "BadRequest");
        assertNeutronError(send("PUT", N + "/routers/" + router + "/add_router_interface", alice,
                "{\"subnet_id\": \"" + sub + "\"}"), 400, "BadRequest");
        assertNeutronError(send("PUT", N + "/routers/" + router + "/add_router_interface", alice, "{}"), 400, "BadRequest");
        assertNeutronError(send("PUT", N + "/routers/" + router + "/remove_router_interface", alice, "{\"subnet_id\": null}"),
                400, "BadRequest");
        assertThat(count("neutron_ports")).as("nothing half-made").isEqualTo(ports);
        assertNeutronError(send("DELETE", N + "/subnets/" + sub, alice, null), 409, "SubnetInUse");

        assertNeutronError(send("PUT", N + "/routers/" + router, alice, "{\"router\": {\"external_gateway_info\": "
                + "{\"network_id\": \"" + net + "\"}}}"), 400, "BadRequest");
        HttpResponse<String> gateway = send("PUT", N + "/routers/" + router, alice, "{\"router\": {\"external_gateway_info\": "
                + "{\"network_id\": \"" + ext + "\", \"enable_snat\": true, \"external_fixed_ips\": [{\"subnet_id\": \"" + extSub
                + "\", \"ip_address\": \"192.0.2.5\"}]}}}");
        assertThat(gateway.statusCode()).as(gateway.body()).isEqualTo(200);
        JsonNode gw = json(gateway).at("/router/external_gateway_info");
        assertThat(gw.get("network_id").asText()).isEqualTo(ext);
        assertThat(gw.get("enable_snat").asBoolean()).isTrue();
        assertThat(gw.at("/external_fixed_ips/0/ip_address").asText()).isEqualTo("192.0.2.5");

        HttpResponse<String> fip = send("POST", N + "/floatingips", alice, "{\"floatingip\": {\"floating_network_id\": \"" + ext
                + "\"}}");
        assertThat(fip.statusCode()).as(fip.body()).isEqualTo(201);
        JsonNode f = json(fip).get("floatingip");
        String fipId = f.get("id").asText();
        assertThat(f.get("floating_ip_address").asText()).isEqualTo("192.0.2.2");
        assertThat(f.get("port_id").isNull()).isTrue();
        assertThat(f.get("status").asText()).isEqualTo("DOWN");
        JsonNode associated = json(send("PUT", N + "/floatingips/" + fipId, alice, "{\"floatingip\": {\"port_id\": \"" + port
                + "\"}}")).get("floatingip");
        assertThat(associated.get("port_id").asText()).isEqualTo(port);
        assertThat(associated.get("fixed_ip_address").asText()).isEqualTo("10.0.0.3");
        assertThat(associated.get("router_id").asText()).isEqualTo(router);
        assertThat(associated.get("status").asText()).isEqualTo("ACTIVE");
        assertNeutronError(send("PUT", N + "/routers/" + router + "/remove_router_interface", alice,
                "{\"subnet_id\": \"" + sub + "\"}"), 409, "RouterInterfaceInUseByFloatingIP");
        assertNeutronError(send("PUT", N + "/routers/" + router, alice, "{\"router\": {\"external_gateway_info\": {}}}"), 409,
                "RouterExternalGatewayInUseByFloatingIp");

        JsonNode unset = json(send("PUT", N + "/floatingips/" + fipId, alice, "{\"floatingip\": {\"port_id\": null}}"))
                .get("floatingip");
        assertThat(unset.get("port_id").isNull()).isTrue();
        assertThat(unset.get("fixed_ip_address").isNull()).isTrue();
        assertThat(send("DELETE", N + "/floatingips/" + fipId, alice, null).statusCode()).isEqualTo(204);

        JsonNode cleared = json(send("PUT", N + "/routers/" + router, alice, "{\"router\": {\"external_gateway_info\": {}}}"));
        assertThat(cleared.at("/router/external_gateway_info").isNull()).isTrue();
        assertNeutronError(send("DELETE", N + "/routers/" + router, alice, null), 409, "RouterInUse");
        HttpResponse<String> removed = send("PUT", N + "/routers/" + router + "/remove_router_interface", alice,
                "{\"subnet_id\": \"" + sub + "\"}");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(json(removed).get("port_id").asText()).isEqualTo(info.get("port_id").asText());
        assertThat(send("DELETE", N + "/routers/" + router, alice, null).statusCode()).isEqualTo(204);
        assertThat(count("neutron_routers")).isZero();
    }

    @Test
    void securityGroupsHaveNeutronsDefaultsAndRefuseMalformedRules() throws Exception {
        JsonNode groups = json(send("GET", N + "/security-groups", alice, null)).get("security_groups");
        assertThat(strings(groups, "name")).containsExactly("default");
        JsonNode rules = groups.at("/0/security_group_rules");
        String defaultId = groups.at("/0/id").asText();
        assertThat(rules).hasSize(2);
        assertThat(strings(rules, "direction")).containsExactlyInAnyOrder("egress", "ingress");
        JsonNode ingress = StreamSupport.stream(rules.spliterator(), false)
                .filter(r -> r.get("direction").asText().equals("ingress")).findFirst().orElseThrow();
        assertThat(ingress.get("remote_group_id").asText()).isEqualTo(defaultId);

        HttpResponse<String> created = send("POST", N + "/security-groups", alice, "{\"security_group\": {\"name\": \"sg1\", "
                + "\"description\": \"web\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String sg = json(created).at("/security_group/id").asText();
        assertThat(json(created).at("/security_group/security_group_rules")).hasSize(1);

        HttpResponse<String> rule = send("POST", N + "/security-group-rules", alice, "{\"security_group_rule\": "
                + "{\"security_group_id\": \"" + sg + "\", \"direction\": \"ingress\", \"ethertype\": \"IPv4\", \"protocol\": "
                + "\"tcp\", \"port_range_min\": 22, \"port_range_max\": 22, \"remote_ip_prefix\": \"0.0.0.0/0\"}}");
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
        JsonNode r = json(rule).get("security_group_rule");
        assertThat(r.get("port_range_min").asInt()).isEqualTo(22);
        assertThat(r.get("port_range_min").isInt()).isTrue();
        assertThat(r.get("protocol").asText()).isEqualTo("tcp");
        assertThat(r.get("remote_ip_prefix").asText()).isEqualTo("0.0.0.0/0");
        assertThat(json(send("GET", N + "/security-group-rules?security_group_id=" + sg, alice, null))
                .get("security_group_rules")).hasSize(2);

        int count = count("neutron_security_group_rules");
        String base = "{\"security_group_rule\": {\"security_group_id\": \"" + sg + "\", ";
        assertNeutronError(send("POST", N + "/security-group-rules", alice, base + "\"direction\": \"sideways\"}}"), 400,
                "InvalidInput");
        assertNeutronError(send("POST", N + "/security-group-rules", alice, base + "\"direction\": \"ingress\", "
                + "\"port_range_min\": 22, \"port_range_max\": 22}}"), 400, "SecurityGroupProtocolRequiredWithPorts");
        assertNeutronError(send("POST", N + "/security-group-rules", alice, base + "\"direction\": \"ingress\", \"protocol\": "
                + "\"tcp\", \"port_range_min\": 90, \"port_range_max\": 80}}"), 400, "SecurityGroupInvalidPortRange");
        assertNeutronError(send("POST", N + "/security-group-rules", alice, base + "\"direction\": \"ingress\", \"protocol\": "
                + "\"teleport\"}}"), 400, "SecurityGroupRuleInvalidProtocol");
        assertNeutronError(send("POST", N + "/security-group-rules", alice, base + "\"direction\": \"ingress\", "
                + "\"remote_ip_prefix\": \"10.0.0.0/33\"}}"), 400, "InvalidInput");
        assertNeutronError(send("POST", N + "/security-group-rules", alice, base + "\"direction\": \"ingress\", \"protocol\": "
                + "\"tcp\", \"port_range_min\": 22, \"port_range_max\": 22, \"remote_ip_prefix\": \"0.0.0.0/0\"}}"), 409,
                "SecurityGroupRuleExists");
        assertThat(count("neutron_security_group_rules")).isEqualTo(count);

        assertNeutronError(send("GET", N + "/security-group-rules/" + r.get("id").asText(), bob, null), 404,
                "SecurityGroupRuleNotFound");
        assertThat(send("DELETE", N + "/security-group-rules/" + r.get("id").asText(), alice, null).statusCode()).isEqualTo(204);
        assertNeutronError(send("DELETE", N + "/security-groups/" + defaultId, alice, null), 409,
                "SecurityGroupCannotRemoveDefault");
        assertThat(send("DELETE", N + "/security-groups/" + sg, alice, null).statusCode()).isEqualTo(204);
    }

    @Test
    void aTokenScopedToAGroupActsForTheGroupsProject() throws Exception {
        String ops = token("alice", PASSWORD, "ops");
        String net = create("networks", "network", ops, "{\"name\": \"team\"}");
        assertThat(json(send("GET", N + "/networks/" + net, ops, null)).at("/network/project_id").asText()).isEqualTo(opsId);
        assertNeutronError(send("GET", N + "/networks/" + net, alice, null), 404, "NetworkNotFound");
        assertThat(send("GET", N + "/networks/" + net, admin, null).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedRequestsAreRefusedInNeutronsShapeNeverWithA500() throws Exception {
        List<String> failures = new ArrayList<>();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("null", "null");
        bodies.put("a list", "[{}]");
        bodies.put("truncated", "{\"network\": {\"name\": \"x");
        bodies.put("no resource", "{\"name\": 12345}");
        bodies.put("not an object", "{\"network\": 5}");
        bodies.put("unknown attribute", "{\"network\": {\"colour\": \"blue\"}}");
        bodies.put("wrong types", "{\"network\": {\"name\": 5, \"admin_state_up\": \"maybe\"}}");
        bodies.put("mtu not a number", "{\"network\": {\"mtu\": \"big\"}}");
        bodies.put("NUL", "{\"network\": {\"name\": \"a\\u0000b\"}}");
        bodies.put("long name", "{\"network\": {\"name\": \"" + "n".repeat(300) + "\"}}");
        for (Map.Entry<String, String> body : bodies.entrySet()) {
            for (String path : List.of("/networks", "/subnets", "/ports", "/routers", "/security-groups",
                    "/security-group-rules", "/floatingips")) {
                HttpResponse<String> answer = send("POST", N + path, alice, body.getValue().replace("network", singular(path)));
                JsonNode error = json(answer).path("NeutronError");
                if (answer.statusCode() != 400 || error.path("type").asText().isEmpty()
                        || error.path("message").asText().isEmpty() || !error.has("detail")) {
                    failures.add("POST " + path + " with " + body.getKey() + " -> " + answer.statusCode() + " " + answer.body());
                }
            }
        }
        for (String path : List.of("/networks/", "/subnets/", "/ports/", "/routers/", "/security-groups/",
                "/security-group-rules/", "/floatingips/")) {
            for (String id : List.of("not-a-uuid", UUID.randomUUID().toString(), "x".repeat(2000))) {
                HttpResponse<String> answer = send("GET", N + path + id, alice, null);
                if (answer.statusCode() != 404 || !json(answer).path("NeutronError").path("type").asText().endsWith("NotFound")) {
                    failures.add("GET " + path + id.substring(0, Math.min(id.length(), 40)) + " -> " + answer.statusCode() + " "
                            + answer.body());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(count("neutron_networks") + count("neutron_subnets") + count("neutron_ports") + count("neutron_routers")
                + count("neutron_floating_ips")).isZero();
    }

    @Test
    void theNetworksPackageMakesVmPortsAndReadsASnapshot() throws Exception {
        String net = create("networks", "network", alice, "{\"name\": \"net1\"}");
        String sub = create("subnets", "subnet", alice, "{\"network_id\": \"" + net + "\", \"cidr\": \"10.0.0.0/24\", "
                + "\"ip_version\": 4}");
        UUID vm = UUID.randomUUID();
        NeutronModel.Port port = neutron.createVmPort(UUID.fromString(net), vm, "52:54:00:12:34:56");
        assertThat(port.deviceOwner()).isEqualTo("compute:vireo");
        assertThat(port.deviceId()).isEqualTo(vm.toString());
        assertThat(port.macAddress()).isEqualTo("52:54:00:12:34:56");
        assertThat(port.fixedIps()).containsExactly(new NeutronModel.FixedIp(UUID.fromString(sub), "10.0.0.3"));
        assertThat(port.securityGroups()).hasSize(1);
        assertThat(port.projectId().toString()).isEqualTo(aliceId);
        try {
            neutron.createVmPort(UUID.fromString(net), UUID.randomUUID(), "52:54:00:12:34:56");
            throw new AssertionError("a MAC taken twice");
        } catch (io.vireo.engine.common.ConflictException e) {
            assertThat(e.details().get(NeutronErrors.TYPE)).isEqualTo("MacAddressInUse");
        }

        neutron.setBinding(port.id(), "host-1", "ACTIVE");
        JsonNode shown = json(send("GET", N + "/ports/" + port.id(), alice, null)).get("port");
        assertThat(shown.get("binding:host_id").asText()).isEqualTo("host-1");
        assertThat(shown.get("status").asText()).isEqualTo("ACTIVE");

        NeutronService.Snapshot snapshot = neutron.snapshot();
        assertThat(snapshot.networks()).extracting(NeutronModel.Network::segmentationId).containsExactly(Optional.of(1));
        assertThat(snapshot.subnets()).extracting(NeutronModel.Subnet::cidr).containsExactly("10.0.0.0/24");
        assertThat(snapshot.ports()).extracting(NeutronModel.Port::deviceOwner).containsExactlyInAnyOrder("network:dhcp",
                "compute:vireo");
        assertThat(snapshot.securityGroups()).hasSize(1);
        assertThat(snapshot.securityGroups().getFirst().rules()).hasSize(2);

        neutron.deleteVmPort(port.id());
        neutron.deleteVmPort(port.id());
        assertThat(neutron.snapshot().ports()).extracting(NeutronModel.Port::deviceOwner).containsExactly("network:dhcp");
    }

    @Test
    void concurrentRequestsNeverShareAnAddressAVniOrAMac() throws Exception {
        String net = create("networks", "network", alice, "{\"name\": \"busy\"}");
        create("subnets", "subnet", alice, "{\"network_id\": \"" + net + "\", \"cidr\": \"10.5.0.0/24\", \"ip_version\": 4}");
        int requests = 12;
        List<java.util.concurrent.Callable<HttpResponse<String>>> ports = new ArrayList<>();
        List<java.util.concurrent.Callable<HttpResponse<String>>> networks = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            ports.add(() -> send("POST", N + "/ports", alice, "{\"port\": {\"network_id\": \"" + net + "\"}}"));
            networks.add(() -> send("POST", N + "/networks", admin, "{\"network\": {\"name\": \"n\"}}"));
        }
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<String> addresses = new ArrayList<>();
            List<String> macs = new ArrayList<>();
            for (var answer : pool.invokeAll(ports)) {
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(201);
                addresses.add(json(answer.get()).at("/port/fixed_ips/0/ip_address").asText());
                macs.add(json(answer.get()).at("/port/mac_address").asText());
            }
            assertThat(addresses).doesNotHaveDuplicates().hasSize(requests);
            assertThat(macs).doesNotHaveDuplicates();
            List<Integer> vnis = new ArrayList<>();
            for (var answer : pool.invokeAll(networks)) {
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(201);
                vnis.add(json(answer.get()).at("/network/provider:segmentation_id").asInt());
            }
            assertThat(vnis).doesNotHaveDuplicates().hasSize(requests).allMatch(vni -> vni >= 1 && vni <= requests + 1);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static String singular(String path) {
        return switch (path) {
            case "/security-groups" -> "security_group";
            case "/security-group-rules" -> "security_group_rule";
            case "/floatingips" -> "floatingip";
            default -> path.substring(1, path.length() - 1);
        };
    }

    private String create(String collection, String singular, String token, String attributes) throws Exception {
        HttpResponse<String> created = send("POST", N + "/" + collection, token, "{\"" + singular + "\": " + attributes + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get(singular).get("id").asText();
    }

    private int count(String table) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Integer.class).one());
    }

    private String token(String user, String password, String project) throws Exception {
        HttpResponse<String> issued = send("POST", "/identity/v3/auth/tokens", null, "{\"auth\": {\"identity\": {\"methods\": "
                + "[\"password\"], \"password\": {\"user\": {\"name\": \"" + user + "\", \"domain\": {\"name\": \"Default\"}, "
                + "\"password\": \"" + password + "\"}}}, \"scope\": {\"project\": {\"name\": \"" + project + "\", \"domain\": "
                + "{\"name\": \"Default\"}}}}}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        return issued.headers().firstValue("X-Subject-Token").orElseThrow();
    }

    private static void assertNeutronError(HttpResponse<String> answer, int status, String type) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        JsonNode error = json(answer).get("NeutronError");
        assertThat(error).as(answer.body()).isNotNull();
        assertThat(error.get("type").asText()).as(answer.body()).isEqualTo(type);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("detail").asText()).isEmpty();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("X-Auth-Token", token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return ApiServer.MAPPER.readTree(response.body());
    }

    private static List<String> strings(JsonNode list, String field) {
        return StreamSupport.stream(list.spliterator(), false).map(node -> node.get(field).asText()).toList();
    }

    @SuppressWarnings("unused")
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
