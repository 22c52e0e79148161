package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.model.ClusterNetwork;
import io.vireo.model.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.vireo.cli.Names.NEUTRON;

/**
 * vireo network: logical networks of a data center (bridges on the hosts, /api/networks) and the built-in provider's
 * overlays, subnets, routers, floating IPs and ports (its Neutron v2.0 API, which takes the same token).
 */
@Command(name = "network", mixinStandardHelpOptions = true, description = "Networks: logical (bridged host) networks, and the "
        + "built-in provider's overlays, subnets, routers, floating IPs and ports",
        subcommands = {NetworkCommands.Overlays.class, NetworkCommands.Subnets.class, NetworkCommands.Routers.class,
                NetworkCommands.FloatingIps.class, NetworkCommands.Ports.class})
final class NetworkCommands {
    private static final List<String> COLUMNS = List.of("id", "name", "dataCenterId", "vlanId", "mtu", "hostNic", "bridge");

    @Command(name = "list", description = "List the logical networks of the data centers you may see")
    int list(@Option(names = "--dc", description = "Only this data center's") String dataCenter,
             @Option(names = "--json") boolean json) throws Exception {
        String path = "/api/networks";
        if (dataCenter != null) {
            path += "?search=" + ApiClient.encode("datacenter=" + Names.resolve(Session.load().client(), "datacenters", dataCenter));
        }
        return new ClientCommands.ListVerb(path, COLUMNS).print(json);
    }

    @Command(name = "show", description = "Show a logical network")
    int show(@Parameters(paramLabel = "NETWORK") String network) throws Exception {
        ApiClient client = Session.load().client();
        Output.item(System.out, client.get("/api/networks/" + Names.resolve(client, "networks", network)));
        return 0;
    }

    @Command(name = "create", description = "Add a logical network to a data center: a bridge on --host-nic (untagged, or VLAN "
            + "--vlan) on the hosts of the clusters it is attached to")
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--dc", required = true) String dataCenter,
               @Option(names = "--host-nic", required = true, description = "The host interface (or bond), the same name on every host")
               String hostNic,
               @Option(names = "--vlan", description = "1-4094; left out: untagged") Integer vlan,
               @Option(names = "--mtu", description = "Default " + Network.DEFAULT_MTU) Integer mtu,
               @Option(names = "--description") String description) throws Exception {
        ApiClient client = Session.load().client();
        Output.item(System.out, client.post("/api/networks", new Network.Create(name, description,
                Names.resolve(client, "datacenters", dataCenter), vlan, mtu, hostNic)));
        return 0;
    }

    @Command(name = "delete", description = "Remove a logical network no VM NIC is on (it is detached from its clusters)")
    int delete(@Parameters(paramLabel = "NETWORK") String network) throws Exception {
        ApiClient client = Session.load().client();
        client.delete("/api/networks/" + Names.resolve(client, "networks", network));
        System.out.println("network " + network + " removed");
        return 0;
    }

    @Command(name = "attach", description = "Attach a logical network to a cluster: every host of it carries the network")
    int attach(@Parameters(paramLabel = "NETWORK") String network, @Option(names = "--cluster", required = true) String cluster,
               @Option(names = "--required", description = "A host that cannot carry it is NonOperational") boolean required)
            throws Exception {
        ApiClient client = Session.load().client();
        Output.item(System.out, client.post("/api/clusters/" + Names.resolve(client, "clusters", cluster) + "/networks",
                new ClusterNetwork.Attach(Names.resolve(client, "networks", network), required)));
        return 0;
    }

    @Command(name = "detach", description = "Detach a logical network no NIC of the cluster's VMs is on")
    int detach(@Parameters(paramLabel = "NETWORK") String network, @Option(names = "--cluster", required = true) String cluster)
            throws Exception {
        ApiClient client = Session.load().client();
        client.delete("/api/clusters/" + Names.resolve(client, "clusters", cluster) + "/networks/"
                + Names.resolve(client, "networks", network));
        System.out.println("network " + network + " detached from cluster " + cluster);
        return 0;
    }

    /** A Neutron list: whole (no paging), under the collection's name. */
    static int neutronList(String collection, String query, List<String> columns, boolean json) throws Exception {
        JsonNode answer = Session.load().client().get(NEUTRON + "/" + collection + (query == null ? "" : "?" + query));
        Output.table(System.out, answer.path(collection.replace('-', '_')), columns, json);
        return 0;
    }

    /** A Neutron body: {@code {"<singular>": {fields without the nulls}}}. */
    static Map<String, Object> body(String singular, Map<String, Object> fields) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        fields.forEach((key, value) -> {
            if (value != null) {
                attributes.put(key, value);
            }
        });
        return Map.of(singular, attributes);
    }

    static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return fields;
    }

    @Command(name = "overlay", mixinStandardHelpOptions = true, description = "The built-in provider's networks (VXLAN overlays, "
            + "or flat ones on a logical network)")
    static final class Overlays {
        @Command(name = "list", description = "List the provider networks you see")
        int list(@Option(names = "--json") boolean json) throws Exception {
            return neutronList("networks", null, List.of("id", "name", "status", "provider:network_type",
                    "provider:segmentation_id", "router:external", "mtu", "subnets"), json);
        }

        @Command(name = "create", description = "Create a provider network: a VXLAN overlay, or with --flat one on a logical network")
        int create(@Parameters(paramLabel = "NAME") String name,
                   @Option(names = "--external", description = "Routers may use it as their gateway; floating IPs come from it "
                           + "(an administrator's)") boolean external,
                   @Option(names = "--shared", description = "Every project may use it (an administrator's)") boolean shared,
                   @Option(names = "--flat", paramLabel = "LOGICAL-NETWORK", description = "Not an overlay: on this logical "
                           + "network's bridge") String flat,
                   @Option(names = "--mtu") Integer mtu,
                   @Option(names = "--dc", description = "The data center (its name), when there are several") String dataCenter)
                throws Exception {
            ApiClient client = Session.load().client();
            JsonNode answer = client.post(NEUTRON + "/networks", body("network", fields("name", name,
                    "router:external", external ? true : null, "shared", shared ? true : null,
                    "provider:network_type", flat == null ? null : "flat", "provider:physical_network", flat, "mtu", mtu,
                    "availability_zone_hints", dataCenter == null ? null : List.of(dataCenter))));
            Output.item(System.out, answer.get("network"));
            return 0;
        }

        @Command(name = "show", description = "Show a provider network")
        int show(@Parameters(paramLabel = "NETWORK") String network) throws Exception {
            ApiClient client = Session.load().client();
            Output.item(System.out, client.get(NEUTRON + "/networks/" + Names.resolveNeutron(client, "networks", network))
                    .get("network"));
            return 0;
        }

        @Command(name = "delete", description = "Delete a provider network that has no ports of VMs or routers")
        int delete(@Parameters(paramLabel = "NETWORK") String network) throws Exception {
            ApiClient client = Session.load().client();
            client.delete(NEUTRON + "/networks/" + Names.resolveNeutron(client, "networks", network));
            System.out.println("provider network " + network + " deleted");
            return 0;
        }
    }

    @Command(name = "subnet", mixinStandardHelpOptions = true, description = "Subnets of provider networks (DHCP and DNS)")
    static final class Subnets {
        @Command(name = "list", description = "List subnets")
        int list(@Option(names = "--network", description = "Only this provider network's") String network,
                 @Option(names = "--json") boolean json) throws Exception {
            String query = network == null ? null
                    : "network_id=" + ApiClient.encode(Names.resolveNeutron(Session.load().client(), "networks", network));
            return neutronList("subnets", query, List.of("id", "name", "network_id", "cidr", "gateway_ip", "allocation_pools",
                    "dns_nameservers"), json);
        }

        @Command(name = "create", description = "Add an IPv4 subnet to a provider network")
        int create(@Parameters(paramLabel = "NETWORK") String network,
                   @Option(names = "--name", description = "Default: NETWORK-subnet") String name,
                   @Option(names = "--cidr", required = true, description = "e.g. 10.1.0.0/24") String cidr,
                   @Option(names = "--gateway", description = "The gateway's address, or 'none'; default the first address")
                   String gateway,
                   @Option(names = "--pool", paramLabel = "START-END", description = "An allocation pool; repeat for more; "
                           + "default all but the gateway") List<String> pools,
                   @Option(names = "--dns", description = "A DNS server the guests get; repeat for more") List<String> dns,
                   @Option(names = "--no-dhcp", description = "No DHCP server on it") boolean noDhcp) throws Exception {
            ApiClient client = Session.load().client();
            String networkId = Names.resolveNeutron(client, "networks", network);
            Map<String, Object> fields = fields("name", name == null ? network + "-subnet" : name, "network_id", networkId,
                    "ip_version", 4, "cidr", cidr, "allocation_pools", pools == null ? null : allocationPools(pools),
                    "dns_nameservers", dns, "enable_dhcp", noDhcp ? false : null);
            Map<String, Object> body = body("subnet", fields);
            if (gateway != null) {
                // 'none': a subnet without a gateway, which Neutron says with a null
                @SuppressWarnings("unchecked") Map<String, Object> subnet = (Map<String, Object>) body.get("subnet");
                subnet.put("gateway_ip", "none".equalsIgnoreCase(gateway) ? null : gateway);
            }
            Output.item(System.out, client.post(NEUTRON + "/subnets", body).get("subnet"));
            return 0;
        }

        @Command(name = "delete", description = "Delete a subnet no router interface or VM port uses")
        int delete(@Parameters(paramLabel = "SUBNET") String subnet) throws Exception {
            ApiClient client = Session.load().client();
            client.delete(NEUTRON + "/subnets/" + Names.resolveNeutron(client, "subnets", subnet));
            System.out.println("subnet " + subnet + " deleted");
            return 0;
        }

        private static List<Map<String, String>> allocationPools(List<String> pools) {
            List<Map<String, String>> list = new ArrayList<>();
            for (String pool : pools) {
                int dash = pool.indexOf('-');
                if (dash <= 0 || dash == pool.length() - 1) {
                    throw new IllegalArgumentException("--pool " + pool + ": give START-END, e.g. 10.1.0.10-10.1.0.99");
                }
                list.add(Map.of("start", pool.substring(0, dash).strip(), "end", pool.substring(dash + 1).strip()));
            }
            return list;
        }
    }

    @Command(name = "router", mixinStandardHelpOptions = true, description = "Routers: join subnets, SNAT to an external network")
    static final class Routers {
        @Command(name = "list", description = "List routers")
        int list(@Option(names = "--json") boolean json) throws Exception {
            return neutronList("routers", null, List.of("id", "name", "status", "external_gateway_info"), json);
        }

        @Command(name = "show", description = "Show a router")
        int show(@Parameters(paramLabel = "ROUTER") String router) throws Exception {
            ApiClient client = Session.load().client();
            Output.item(System.out, client.get(NEUTRON + "/routers/" + Names.resolveNeutron(client, "routers", router)).get("router"));
            return 0;
        }

        @Command(name = "create", description = "Create a router")
        int create(@Parameters(paramLabel = "NAME") String name,
                   @Option(names = "--external-network", description = "Its gateway: an external provider network")
                   String external) throws Exception {
            ApiClient client = Session.load().client();
            Object gateway = external == null ? null : Map.of("network_id", Names.resolveNeutron(client, "networks", external));
            Output.item(System.out, client.post(NEUTRON + "/routers", body("router", fields("name", name,
                    "external_gateway_info", gateway))).get("router"));
            return 0;
        }

        @Command(name = "add-subnet", description = "Give a router an interface on a subnet (at the subnet's gateway address)")
        int addSubnet(@Parameters(paramLabel = "ROUTER") String router, @Parameters(paramLabel = "SUBNET") String subnet)
                throws Exception {
            return routerInterface(router, subnet, "add_router_interface");
        }

        @Command(name = "remove-subnet", description = "Take a router's interface off a subnet")
        int removeSubnet(@Parameters(paramLabel = "ROUTER") String router, @Parameters(paramLabel = "SUBNET") String subnet)
                throws Exception {
            return routerInterface(router, subnet, "remove_router_interface");
        }

        @Command(name = "set-gateway", description = "Set a router's external gateway (SNAT to that network), or --clear it")
        int setGateway(@Parameters(paramLabel = "ROUTER") String router,
                       @Parameters(paramLabel = "EXTERNAL-NETWORK", arity = "0..1") String external,
                       @Option(names = "--clear", description = "Remove the gateway") boolean clear) throws Exception {
            if (clear == (external != null)) {
                throw new IllegalArgumentException("Give an external network, or --clear to remove the gateway (one of them)");
            }
            ApiClient client = Session.load().client();
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("external_gateway_info", clear ? null : Map.of("network_id",
                    Names.resolveNeutron(client, "networks", external)));
            Output.item(System.out, client.put(NEUTRON + "/routers/" + Names.resolveNeutron(client, "routers", router),
                    Map.of("router", attributes)).get("router"));
            return 0;
        }

        @Command(name = "delete", description = "Delete a router that has no interfaces left")
        int delete(@Parameters(paramLabel = "ROUTER") String router) throws Exception {
            ApiClient client = Session.load().client();
            client.delete(NEUTRON + "/routers/" + Names.resolveNeutron(client, "routers", router));
            System.out.println("router " + router + " deleted");
            return 0;
        }

        private static int routerInterface(String router, String subnet, String verb) throws Exception {
            ApiClient client = Session.load().client();
            JsonNode answer = client.put(NEUTRON + "/routers/" + Names.resolveNeutron(client, "routers", router) + "/" + verb,
                    Map.of("subnet_id", Names.resolveNeutron(client, "subnets", subnet)));
            Output.item(System.out, answer);
            return 0;
        }
    }

    @Command(name = "floating-ip", mixinStandardHelpOptions = true, description = "Floating IPs: an external network's address "
            + "forwarded (DNAT) to a port's fixed address")
    static final class FloatingIps {
        @Command(name = "list", description = "List floating IPs")
        int list(@Option(names = "--json") boolean json) throws Exception {
            return neutronList("floatingips", null, List.of("id", "floating_ip_address", "fixed_ip_address", "port_id",
                    "router_id", "status"), json);
        }

        @Command(name = "create", description = "Take an address of an external network")
        int create(@Option(names = "--network", required = true, description = "The external provider network") String network,
                   @Option(names = "--address", description = "This address (else the next free one)") String address)
                throws Exception {
            ApiClient client = Session.load().client();
            Output.item(System.out, client.post(NEUTRON + "/floatingips", body("floatingip", fields("floating_network_id",
                    Names.resolveNeutron(client, "networks", network), "floating_ip_address", address))).get("floatingip"));
            return 0;
        }

        @Command(name = "attach", description = "Forward a floating IP to a port: a port's id, or VM/NIC (a VM's NIC on a provider "
                + "network, each by name or id)")
        int attach(@Parameters(paramLabel = "FLOATING-IP", description = "Its address or id") String floatingIp,
                   @Parameters(paramLabel = "PORT-OR-VM/NIC") String target) throws Exception {
            ApiClient client = Session.load().client();
            String portId = port(client, target);
            Output.item(System.out, client.put(NEUTRON + "/floatingips/" + Names.resolveNeutron(client, "floatingips", floatingIp),
                    Map.of("floatingip", Map.of("port_id", portId))).get("floatingip"));
            return 0;
        }

        @Command(name = "detach", description = "Stop forwarding a floating IP (it stays yours)")
        int detach(@Parameters(paramLabel = "FLOATING-IP", description = "Its address or id") String floatingIp) throws Exception {
            ApiClient client = Session.load().client();
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("port_id", null);
            Output.item(System.out, client.put(NEUTRON + "/floatingips/" + Names.resolveNeutron(client, "floatingips", floatingIp),
                    Map.of("floatingip", attributes)).get("floatingip"));
            return 0;
        }

        @Command(name = "delete", description = "Give a floating IP back")
        int delete(@Parameters(paramLabel = "FLOATING-IP", description = "Its address or id") String floatingIp) throws Exception {
            ApiClient client = Session.load().client();
            client.delete(NEUTRON + "/floatingips/" + Names.resolveNeutron(client, "floatingips", floatingIp));
            System.out.println("floating IP " + floatingIp + " deleted");
            return 0;
        }

        /** A port's id as given, or the port of a VM's NIC named VM/NIC. */
        static String port(ApiClient client, String target) throws Exception {
            int slash = target.lastIndexOf('/');
            if (slash < 0) {
                return target;
            }
            String vm = target.substring(0, slash);
            String nic = target.substring(slash + 1);
            JsonNode found = VmNicCommands.nic(client, Names.resolve(client, "vms", vm), nic);
            if (!found.hasNonNull("portId")) {
                throw new IllegalArgumentException("NIC " + nic + " of VM " + vm + " is on a logical network, which has no ports: "
                        + "a floating IP goes to a NIC on a provider network");
            }
            return found.get("portId").asText();
        }
    }

    @Command(name = "port", mixinStandardHelpOptions = true, description = "Ports of provider networks (VM NICs, router "
            + "interfaces, DHCP)")
    static final class Ports {
        @Command(name = "list", description = "List ports")
        int list(@Option(names = "--network", description = "Only this provider network's") String network,
                 @Option(names = "--json") boolean json) throws Exception {
            String query = network == null ? null
                    : "network_id=" + ApiClient.encode(Names.resolveNeutron(Session.load().client(), "networks", network));
            return neutronList("ports", query, List.of("id", "name", "network_id", "mac_address", "fixed_ips", "device_owner",
                    "device_id", "status"), json);
        }
    }
}
