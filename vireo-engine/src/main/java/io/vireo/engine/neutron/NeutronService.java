package io.vireo.engine.neutron;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.neutron.NeutronModel.AllocationPool;
import io.vireo.engine.neutron.NeutronModel.FixedIp;
import io.vireo.engine.neutron.NeutronModel.FloatingIp;
import io.vireo.engine.neutron.NeutronModel.HostRoute;
import io.vireo.engine.neutron.NeutronModel.Network;
import io.vireo.engine.neutron.NeutronModel.Port;
import io.vireo.engine.neutron.NeutronModel.Router;
import io.vireo.engine.neutron.NeutronModel.RouterPort;
import io.vireo.engine.neutron.NeutronModel.Rule;
import io.vireo.engine.neutron.NeutronModel.SecurityGroup;
import io.vireo.engine.neutron.NeutronModel.Subnet;
import io.vireo.model.DataCenter;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

import static io.vireo.engine.neutron.NeutronModel.OWNER_DHCP;
import static io.vireo.engine.neutron.NeutronModel.OWNER_FLOATING_IP;
import static io.vireo.engine.neutron.NeutronModel.OWNER_ROUTER_GATEWAY;
import static io.vireo.engine.neutron.NeutronModel.OWNER_ROUTER_INTERFACE;
import static io.vireo.engine.neutron.NeutronModel.OWNER_VIREO_VM;
import static java.util.Objects.requireNonNull;

/**
 * The rules of the built-in network provider (OpenStack Neutron v2.0's networks, subnets, ports, routers,
 * security groups and floating IPs; docs/openstack.md). Every change is one transaction: a refused request
 * leaves nothing behind. Who may see what: an admin (a SuperUser) everything; anyone else its project's objects,
 * plus shared and external networks (and their subnets). Admin only: external and shared networks, provider
 * attributes, ports owned by the provider itself (network:*).
 *
 * <p>For the networks package (VM NICs on overlays and the data path): {@link #createVmPort}, {@link #deleteVmPort},
 * {@link #snapshot} and {@link #setBinding}.
 */
public final class NeutronService {
    public static final int MAX_VNI = 16_777_215;
    /** A VXLAN header and outer headers take 50 bytes of a 1500-byte underlay. */
    public static final int VXLAN_MTU = 1450;
    public static final int FLAT_MTU = 1500;
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final Set<String> PROVIDER = Set.of("provider:network_type", "provider:physical_network",
            "provider:segmentation_id");
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "icmp", "icmpv6", "sctp", "gre", "esp", "ah", "ipip",
            "vrrp", "igmp", "ospf", "pgm", "rsvp", "dccp", "udplite", "any");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final NeutronRepository repository;
    private final DataCenterService dataCenters;

    /** Who asks: the project its token is scoped to, and whether it is an admin (who sees and may do everything). */
    public record Caller(UUID projectId, boolean admin) {
        public Caller {
            requireNonNull(projectId, "projectId");
        }

        Optional<UUID> scope() {
            return admin ? Optional.empty() : Optional.of(projectId);
        }

        boolean owns(UUID project) {
            return admin || projectId.equals(project);
        }
    }

    public NeutronService(Jdbi jdbi, DataCenterService dataCenters) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.repository = new NeutronRepository();
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
    }

    /** The names of the data centers by id: what a network's availability zone is. */
    Map<UUID, String> dataCenterNames() {
        Map<UUID, String> names = new LinkedHashMap<>();
        for (DataCenter dc : dataCenters.dataCenters()) {
            names.put(UUID.fromString(dc.id()), dc.name());
        }
        return names;
    }

    // =========================================================================================== networks

    public List<Network> networks(Caller caller) {
        return jdbi.withHandle(h -> repository.networks(h, caller.scope()));
    }

    public Network network(Caller caller, String id) {
        return jdbi.withHandle(h -> visibleNetwork(h, caller, id));
    }

    Network createNetwork(Caller caller, JsonNode body) {
        Attributes a = Attributes.of(body, "network").only(Set.of("name", "description", "admin_state_up", "shared",
                "router:external", "port_security_enabled", "mtu", "provider:network_type", "provider:physical_network",
                "provider:segmentation_id", "availability_zone_hints", "tenant_id", "project_id"));
        UUID project = owner(caller, a);
        boolean shared = a.bool("shared", false);
        boolean external = a.bool("router:external", false);
        if (!caller.admin()) {
            if (shared || external) {
                throw NeutronErrors.forbidden("(rule:create_network:" + (shared ? "shared" : "router:external") + ") is "
                        + "disallowed by policy: only an admin makes shared or external networks");
            }
            for (String attribute : PROVIDER) {
                if (a.has(attribute)) {
                    throw NeutronErrors.forbidden("(rule:create_network:" + attribute + ") is disallowed by policy: only an "
                            + "admin sets provider attributes");
                }
            }
        }
        String type = a.string("provider:network_type", NeutronModel.VXLAN).toLowerCase(Locale.ROOT);
        if (!type.equals(NeutronModel.VXLAN) && !type.equals(NeutronModel.FLAT)) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: network_type value '"
                    + Ipam.shown(type) + "' not supported: Vireo's provider makes vxlan and flat networks.");
        }
        Optional<String> physical = a.string("provider:physical_network").filter(name -> !name.isBlank());
        Optional<Integer> segment = a.integer("provider:segmentation_id");
        if (type.equals(NeutronModel.FLAT)) {
            if (physical.isEmpty()) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: physical_network required for "
                        + "flat provider network (the name of a Vireo bridged network of the data center).");
            }
            if (segment.isPresent()) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: segmentation_id specified for "
                        + "flat provider network.");
            }
        } else if (physical.isPresent()) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: provider:physical_network specified "
                    + "for vxlan network.");
        }
        segment.ifPresent(vni -> {
            if (vni < 1 || vni > MAX_VNI) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: segmentation_id " + vni
                        + " out of range (1 through " + MAX_VNI + ").");
            }
        });
        int mtu = mtu(a, type, type.equals(NeutronModel.VXLAN) ? VXLAN_MTU : FLAT_MTU);
        UUID dataCenter = dataCenter(a);
        UUID id = UUID.randomUUID();
        return jdbi.inTransaction(h -> {
            Integer vni = null;
            if (type.equals(NeutronModel.VXLAN)) {
                repository.lock(h, "vni");
                if (segment.isPresent()) {
                    if (repository.vniTaken(h, segment.get())) {
                        throw NeutronErrors.conflict("TunnelIdInUse", "Unable to create the network. The tunnel ID "
                                + segment.get() + " is in use.");
                    }
                    vni = segment.get();
                } else {
                    vni = repository.lowestFreeVni(h).orElseThrow(() -> NeutronErrors.conflict("NoNetworkAvailable",
                            "Unable to create the network. No tenant network is available for allocation."));
                }
            }
            repository.insertNetwork(h, new NeutronRepository.NewNetwork(id, project, a.string("name", ""),
                    a.string("description", ""), a.bool("admin_state_up", true), shared, external,
                    a.bool("port_security_enabled", true), mtu, type, physical.orElse(null), vni, dataCenter));
            return repository.network(h, id).orElseThrow();
        });
    }

    Network updateNetwork(Caller caller, String id, JsonNode body) {
        Attributes a = Attributes.of(body, "network").only(Set.of("name", "description", "admin_state_up", "shared",
                "router:external", "port_security_enabled", "mtu", "provider:network_type", "provider:physical_network",
                "provider:segmentation_id"));
        return jdbi.inTransaction(h -> {
            Network network = ownNetwork(h, caller, id, "update");
            for (String attribute : PROVIDER) {
                if (a.has(attribute)) {
                    throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: Plugin does not support "
                            + "updating provider attributes (" + attribute + "); make another network instead.");
                }
            }
            boolean shared = a.bool("shared", network.shared());
            boolean external = a.bool("router:external", network.external());
            if (!caller.admin() && (shared != network.shared() || external != network.external())) {
                throw NeutronErrors.forbidden("(rule:update_network:" + (shared != network.shared() ? "shared" : "router:external")
                        + ") is disallowed by policy: only an admin changes whether a network is shared or external");
            }
            if (network.external() && !external && (repository.routers(h, Optional.empty()).stream()
                    .anyMatch(r -> r.gatewayNetworkId().equals(Optional.of(network.id())))
                    || repository.floatingIps(h, Optional.empty()).stream().anyMatch(f -> f.floatingNetworkId().equals(network.id())))) {
                throw NeutronErrors.conflict("ExternalNetworkInUse", "External network " + network.id() + " cannot be made "
                        + "internal: routers have gateways or floating IPs are allocated on it.");
            }
            int mtu = a.has("mtu") ? mtu(a, network.networkType(), network.mtu()) : network.mtu();
            repository.updateNetwork(h, network.id(), a.string("name", network.name()), a.string("description",
                    network.description()), a.bool("admin_state_up", network.adminStateUp()), shared, external,
                    a.bool("port_security_enabled", network.portSecurityEnabled()), mtu);
            return repository.network(h, network.id()).orElseThrow();
        });
    }

    void deleteNetwork(Caller caller, String id) {
        jdbi.useTransaction(h -> {
            Network network = ownNetwork(h, caller, id, "delete");
            List<Port> ports = repository.portsOfNetwork(h, network.id());
            List<Port> inUse = ports.stream().filter(p -> !p.deviceOwner().equals(OWNER_DHCP)).toList();
            if (!inUse.isEmpty()) {
                throw NeutronErrors.conflict("NetworkInUse", "Unable to complete operation on network " + network.id()
                        + ". There are one or more ports still in use on the network: " + describe(inUse) + ".");
            }
            ports.forEach(port -> repository.deletePort(h, port.id()));
            repository.subnetsOfNetwork(h, network.id()).forEach(subnet -> repository.deleteSubnet(h, subnet.id()));
            repository.deleteNetwork(h, network.id());
        });
    }

    private int mtu(Attributes a, String type, int otherwise) {
        int mtu = a.integer("mtu").orElse(otherwise);
        int max = type.equals(NeutronModel.VXLAN) ? VXLAN_MTU : 9000;
        if (mtu < 68 || mtu > max) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: Requested MTU " + mtu + " is out of "
                    + "range: a " + type + " network takes 68 through " + max + ".");
        }
        return mtu;
    }

    private UUID dataCenter(Attributes a) {
        List<String> hints = a.strings("availability_zone_hints");
        List<DataCenter> all = dataCenters.dataCenters();
        if (hints.size() > 1) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for availability_zone_hints. Reason: a network "
                    + "lives in one data center; give one name.");
        }
        if (hints.isEmpty()) {
            return all.stream().findFirst().map(dc -> UUID.fromString(dc.id())).orElseThrow(() -> NeutronErrors.badRequest(
                    "InvalidInput", "Vireo has no data center yet: an administrator creates one before networks."));
        }
        return all.stream().filter(dc -> dc.name().equals(hints.getFirst())).findFirst()
                .map(dc -> UUID.fromString(dc.id())).orElseThrow(() -> NeutronErrors.notFound("AvailabilityZoneNotFound",
                        "AvailabilityZone " + Ipam.shown(hints.getFirst()) + " could not be found: availability zones are "
                                + "Vireo's data centers."));
    }

    private Network visibleNetwork(Handle h, Caller caller, String id) {
        UUID uuid = Attributes.uuid(id, "NetworkNotFound", "Network");
        return repository.network(h, uuid)
                .filter(n -> caller.owns(n.projectId()) || n.shared() || n.external())
                .orElseThrow(() -> networkNotFound(id));
    }

    private Network ownNetwork(Handle h, Caller caller, String id, String action) {
        Network network = visibleNetwork(h, caller, id);
        if (!caller.owns(network.projectId())) {
            throw NeutronErrors.forbidden("(rule:" + action + "_network) is disallowed by policy: network " + id
                    + " belongs to another project");
        }
        repository.networkForUpdate(h, network.id());
        return network;
    }

    private static DomainException networkNotFound(String id) {
        return NeutronErrors.notFound("NetworkNotFound", "Network " + Ipam.shown(id) + " could not be found.");
    }

    // =========================================================================================== subnets

    public List<Subnet> subnets(Caller caller) {
        return jdbi.withHandle(h -> repository.subnets(h, caller.scope()));
    }

    public Subnet subnet(Caller caller, String id) {
        return jdbi.withHandle(h -> visibleSubnet(h, caller, id));
    }

    Subnet createSubnet(Caller caller, JsonNode body) {
        Attributes a = Attributes.of(body, "subnet").only(Set.of("name", "description", "network_id", "cidr", "ip_version",
                "gateway_ip", "allocation_pools", "dns_nameservers", "host_routes", "enable_dhcp", "tenant_id", "project_id",
                "subnetpool_id", "ipv6_address_mode", "ipv6_ra_mode", "service_types", "segment_id", "use_default_subnetpool"));
        int version = a.integer("ip_version").orElse(4);
        if (version == 6) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for ip_version. Reason: IPv6 subnets are not supported "
                    + "by Vireo's network provider; ip_version must be 4.");
        }
        if (version != 4) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for ip_version. Reason: " + version
                    + " is not in [4, 6].");
        }
        for (String unsupported : List.of("subnetpool_id", "ipv6_address_mode", "ipv6_ra_mode", "segment_id")) {
            if (a.has(unsupported) && !a.isNull(unsupported)) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for " + unsupported + ". Reason: Vireo's network "
                        + "provider has no " + unsupported.replace('_', ' ') + "s; leave it out.");
            }
        }
        if (a.bool("use_default_subnetpool", false) || !a.list("service_types").isEmpty()) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: subnet pools and service types are "
                    + "not supported by Vireo's network provider.");
        }
        String networkId = a.required("network_id");
        if (!a.has("cidr")) {
            throw NeutronErrors.badRequest("BadRequest", "Bad subnets request: a cidr must be specified in the absence of a "
                    + "subnet pool.");
        }
        Ipam.Cidr cidr = Ipam.subnetCidr(a.required("cidr"));
        Ipam.Plan plan = Ipam.plan(cidr, gateway(a), pools(a));
        List<String> dns = nameservers(a);
        List<HostRoute> routes = hostRoutes(a, cidr);
        boolean dhcp = a.bool("enable_dhcp", true);
        return jdbi.inTransaction(h -> {
            Network network = visibleNetwork(h, caller, networkId);
            if (!caller.owns(network.projectId())) {
                throw NeutronErrors.forbidden("(rule:create_subnet) is disallowed by policy: network " + networkId
                        + " belongs to another project");
            }
            repository.networkForUpdate(h, network.id());
            UUID project = owner(caller, a);
            for (Subnet other : repository.subnetsOfNetwork(h, network.id())) {
                if (Ipam.cidr(other.cidr(), "cidr").overlaps(cidr)) {
                    throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: Requested subnet with cidr: "
                            + cidr + " for network: " + network.id() + " overlaps with another subnet (" + other.id() + ", "
                            + other.cidr() + ").");
                }
            }
            UUID id = UUID.randomUUID();
            repository.insertSubnet(h, new NeutronRepository.NewSubnet(id, network.id(), project, a.string("name", ""),
                    a.string("description", ""), cidr.toString(), plan.gatewayText().orElse(null), allocationPools(plan),
                    dns, routes, dhcp));
            Subnet subnet = repository.subnet(h, id).orElseThrow();
            if (dhcp) {
                addDhcpAddress(h, network, subnet);
            }
            return subnet;
        });
    }

    Subnet updateSubnet(Caller caller, String id, JsonNode body) {
        Attributes a = Attributes.of(body, "subnet").only(Set.of("name", "description", "gateway_ip", "allocation_pools",
                "dns_nameservers", "host_routes", "enable_dhcp", "cidr", "network_id", "ip_version"));
        a.refuse(Set.of("cidr", "network_id", "ip_version"), "it is read-only once the subnet exists");
        return jdbi.inTransaction(h -> {
            Subnet subnet = ownSubnet(h, caller, id, "update");
            Ipam.Cidr cidr = Ipam.cidr(subnet.cidr(), "cidr");
            Ipam.Gateway gateway = a.has("gateway_ip") ? gateway(a) : subnet.gatewayIp()
                    .<Ipam.Gateway>map(Ipam.Gateway.Given::new).orElse(new Ipam.Gateway.None());
            List<Ipam.Pool> pools = a.has("allocation_pools") ? pools(a) : subnet.allocationPools().stream()
                    .map(p -> new Ipam.Pool(Ipam.parse(p.start(), "allocation_pools"), Ipam.parse(p.end(), "allocation_pools")))
                    .toList();
            Ipam.Plan plan = Ipam.plan(cidr, gateway, pools);
            if (!plan.gatewayText().equals(subnet.gatewayIp())) {
                if (!repository.routersOnSubnet(h, subnet.id()).isEmpty()) {
                    throw NeutronErrors.conflict("GatewayIpInUse", "Gateway ip " + subnet.gatewayIp().orElse("None")
                            + " of subnet " + subnet.id() + " is in use by a router interface; remove the interface first.");
                }
                if (plan.gatewayText().isPresent() && repository.takenAddresses(h, subnet.id()).contains(plan.gatewayText().get())) {
                    throw NeutronErrors.conflict("GatewayIpInUse", "Gateway ip " + plan.gatewayText().get()
                            + " conflicts with a port's address in subnet " + subnet.id() + ".");
                }
            }
            boolean dhcp = a.bool("enable_dhcp", subnet.enableDhcp());
            repository.updateSubnet(h, subnet.id(), a.string("name", subnet.name()), a.string("description",
                            subnet.description()), plan.gatewayText().orElse(null), allocationPools(plan),
                    a.has("dns_nameservers") ? nameservers(a) : subnet.dnsNameservers(),
                    a.has("host_routes") ? hostRoutes(a, cidr) : subnet.hostRoutes(), dhcp);
            Subnet updated = repository.subnet(h, subnet.id()).orElseThrow();
            Network network = repository.network(h, subnet.networkId()).orElseThrow();
            if (dhcp && !subnet.enableDhcp()) {
                addDhcpAddress(h, network, updated);
            } else if (!dhcp && subnet.enableDhcp()) {
                removeDhcpAddress(h, network, updated.id());
            }
            return updated;
        });
    }

    void deleteSubnet(Caller caller, String id) {
        jdbi.useTransaction(h -> {
            Subnet subnet = ownSubnet(h, caller, id, "delete");
            if (!repository.routersOnSubnet(h, subnet.id()).isEmpty()) {
                throw NeutronErrors.conflict("SubnetInUse", "Unable to complete operation on subnet " + subnet.id()
                        + ": One or more ports have an IP allocation from this subnet: it is an interface of router "
                        + repository.routersOnSubnet(h, subnet.id()).getFirst() + "; remove the interface first.");
            }
            List<Port> users = repository.portsOnSubnet(h, subnet.id()).stream()
                    .filter(p -> !p.deviceOwner().equals(OWNER_DHCP)).toList();
            if (!users.isEmpty()) {
                throw NeutronErrors.conflict("SubnetInUse", "Unable to complete operation on subnet " + subnet.id()
                        + ": One or more ports have an IP allocation from this subnet: " + describe(users) + ".");
            }
            removeDhcpAddress(h, repository.network(h, subnet.networkId()).orElseThrow(), subnet.id());
            repository.deleteSubnet(h, subnet.id());
        });
    }

    private Subnet visibleSubnet(Handle h, Caller caller, String id) {
        UUID uuid = Attributes.uuid(id, "SubnetNotFound", "Subnet");
        return repository.subnet(h, uuid).filter(s -> caller.owns(s.projectId()) || repository.network(h, s.networkId())
                        .map(n -> caller.owns(n.projectId()) || n.shared() || n.external()).orElse(false))
                .orElseThrow(() -> subnetNotFound(id));
    }

    private Subnet ownSubnet(Handle h, Caller caller, String id, String action) {
        Subnet subnet = visibleSubnet(h, caller, id);
        if (!caller.owns(subnet.projectId())) {
            throw NeutronErrors.forbidden("(rule:" + action + "_subnet) is disallowed by policy: subnet " + id
                    + " belongs to another project");
        }
        repository.networkForUpdate(h, subnet.networkId());
        repository.lock(h, "subnet:" + subnet.id());
        return subnet;
    }

    private static DomainException subnetNotFound(String id) {
        return NeutronErrors.notFound("SubnetNotFound", "Subnet " + Ipam.shown(id) + " could not be found.");
    }

    private static Ipam.Gateway gateway(Attributes a) {
        if (!a.has("gateway_ip")) {
            return new Ipam.Gateway.Auto();
        }
        if (a.isNull("gateway_ip")) {
            return new Ipam.Gateway.None();
        }
        return new Ipam.Gateway.Given(a.string("gateway_ip").orElseThrow());
    }

    private static List<Ipam.Pool> pools(Attributes a) {
        if (!a.has("allocation_pools") || a.isNull("allocation_pools")) {
            return null;
        }
        List<Ipam.Pool> pools = new ArrayList<>();
        for (JsonNode pool : a.list("allocation_pools")) {
            if (!pool.isObject() || !pool.path("start").isTextual() || !pool.path("end").isTextual() || pool.size() != 2) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for allocation_pools. Reason: each pool is "
                        + "{\"start\": address, \"end\": address}, not " + Ipam.shown(pool.toString()) + ".");
            }
            pools.add(new Ipam.Pool(Ipam.parse(pool.get("start").textValue(), "allocation_pools"),
                    Ipam.parse(pool.get("end").textValue(), "allocation_pools")));
        }
        if (pools.isEmpty()) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for allocation_pools. Reason: give at least one "
                    + "pool, or leave the attribute out for the whole subnet.");
        }
        return pools;
    }

    private static List<AllocationPool> allocationPools(Ipam.Plan plan) {
        return plan.pools().stream().map(p -> new AllocationPool(p.startText(), p.endText())).toList();
    }

    private static List<String> nameservers(Attributes a) {
        List<String> dns = new ArrayList<>();
        for (String server : a.strings("dns_nameservers")) {
            String canonical = Ipam.format(Ipam.parse(server, "dns_nameservers"));
            if (dns.contains(canonical)) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for dns_nameservers. Reason: Duplicate "
                        + "nameserver '" + canonical + "'.");
            }
            dns.add(canonical);
        }
        if (dns.size() > 5) {
            throw NeutronErrors.badRequest("DNSNameServersExhausted", "Unable to complete operation for the subnet. The number "
                    + "of DNS nameservers exceeds the limit 5.");
        }
        return dns;
    }

    private static List<HostRoute> hostRoutes(Attributes a, Ipam.Cidr cidr) {
        List<HostRoute> routes = new ArrayList<>();
        for (JsonNode route : a.list("host_routes")) {
            if (!route.isObject() || !route.path("destination").isTextual() || !route.path("nexthop").isTextual()
                    || route.size() != 2) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for host_routes. Reason: each route is "
                        + "{\"destination\": cidr, \"nexthop\": address}, not " + Ipam.shown(route.toString()) + ".");
            }
            Ipam.Cidr destination = Ipam.cidr(route.get("destination").textValue(), "host_routes");
            long nexthop = Ipam.parse(route.get("nexthop").textValue(), "host_routes");
            if (!cidr.isHost(nexthop)) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for host_routes. Reason: the next hop "
                        + Ipam.format(nexthop) + " is not an address of the subnet " + cidr + ".");
            }
            routes.add(new HostRoute(destination.toString(), Ipam.format(nexthop)));
        }
        if (routes.size() > 20) {
            throw NeutronErrors.badRequest("HostRoutesExhausted", "Unable to complete operation for the subnet. The number "
                    + "of host routes exceeds the limit 20.");
        }
        return routes;
    }

    private static Ipam.Plan plan(Subnet subnet) {
        Ipam.Cidr cidr = Ipam.cidr(subnet.cidr(), "cidr");
        return Ipam.plan(cidr, subnet.gatewayIp().<Ipam.Gateway>map(Ipam.Gateway.Given::new).orElse(new Ipam.Gateway.None()),
                subnet.allocationPools().stream().map(p -> new Ipam.Pool(Ipam.parse(p.start(), "allocation_pools"),
                        Ipam.parse(p.end(), "allocation_pools"))).toList());
    }

    /** Gives the network's DHCP port (made if there is none) the first free address of a DHCP subnet. */
    private void addDhcpAddress(Handle h, Network network, Subnet subnet) {
        Optional<Port> dhcp = repository.portsOfNetwork(h, network.id()).stream()
                .filter(p -> p.deviceOwner().equals(OWNER_DHCP)).findFirst();
        repository.lock(h, "subnet:" + subnet.id());
        String address = Ipam.firstFree(plan(subnet), repository.takenAddresses(h, subnet.id())).orElseThrow(() ->
                exhausted(network.id()));
        UUID portId;
        List<FixedIp> ips = new ArrayList<>();
        if (dhcp.isPresent()) {
            portId = dhcp.get().id();
            ips.addAll(dhcp.get().fixedIps());
        } else {
            portId = UUID.randomUUID();
            repository.insertPort(h, new NeutronRepository.NewPort(portId, network.id(), network.projectId(), "",
                    "DHCP server of network " + network.id(), freeMac(h, network.id()), true, OWNER_DHCP,
                    "dhcp" + network.id(), false, "DOWN"));
        }
        ips.add(new FixedIp(subnet.id(), address));
        repository.setFixedIps(h, portId, ips);
    }

    private void removeDhcpAddress(Handle h, Network network, UUID subnetId) {
        for (Port dhcp : repository.portsOfNetwork(h, network.id())) {
            if (dhcp.deviceOwner().equals(OWNER_DHCP)) {
                List<FixedIp> left = dhcp.fixedIps().stream().filter(ip -> !ip.subnetId().equals(subnetId)).toList();
                if (left.isEmpty()) {
                    repository.deletePort(h, dhcp.id());
                } else {
                    repository.setFixedIps(h, dhcp.id(), left);
                }
            }
        }
    }

    private static DomainException exhausted(UUID networkId) {
        return NeutronErrors.conflict("IpAddressGenerationFailure", "No more IP addresses available on network "
                + networkId + ".");
    }

    // =========================================================================================== ports

    public List<Port> ports(Caller caller) {
        return jdbi.withHandle(h -> repository.ports(h, caller.scope()));
    }

    public Port port(Caller caller, String id) {
        return jdbi.withHandle(h -> visiblePort(h, caller, id));
    }

    Port createPort(Caller caller, JsonNode body) {
        Attributes a = Attributes.of(body, "port").only(Set.of("name", "description", "network_id", "admin_state_up",
                "mac_address", "fixed_ips", "device_owner", "device_id", "port_security_enabled", "security_groups",
                "tenant_id", "project_id", "binding:host_id", "binding:vnic_type", "allowed_address_pairs"));
        a.refuse(Set.of("binding:host_id"), "the data path sets it when it binds the port on a host");
        if (!a.string("binding:vnic_type", "normal").equals("normal")) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for binding:vnic_type. Reason: Vireo's ports are "
                    + "'normal' (a tap), not " + Ipam.shown(a.string("binding:vnic_type", "")) + ".");
        }
        if (!a.list("allowed_address_pairs").isEmpty()) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for allowed_address_pairs. Reason: Vireo's network "
                    + "provider does not support allowed address pairs.");
        }
        String networkId = a.required("network_id");
        String owner = a.string("device_owner", "");
        if (!caller.admin() && owner.startsWith("network:")) {
            throw NeutronErrors.forbidden("(rule:create_port:device_owner) is disallowed by policy: only the provider itself "
                    + "(or an admin) makes ports owned by " + Ipam.shown(owner));
        }
        return jdbi.inTransaction(h -> {
            Network network = visibleNetwork(h, caller, networkId);
            if (!caller.owns(network.projectId()) && !network.shared()) {
                throw NeutronErrors.forbidden("(rule:create_port) is disallowed by policy: network " + networkId
                        + " belongs to another project and is not shared");
            }
            repository.networkForUpdate(h, network.id());
            UUID project = owner(caller, a);
            boolean security = a.bool("port_security_enabled", network.portSecurityEnabled());
            List<UUID> groups = securityGroups(h, caller, a, project, security, owner);
            return insertPort(h, network, project, a.string("name", ""), a.string("description", ""),
                    a.string("mac_address"), a.bool("admin_state_up", true), owner, a.string("device_id", ""), security,
                    groups, a.has("fixed_ips") ? Optional.of(a.list("fixed_ips")) : Optional.empty(), false);
        });
    }

    /**
     * Inserts a port with its MAC and addresses.
     *
     * @param fixedIps the fixed_ips asked for; empty for one address from the first subnet with a free one
     */
    private Port insertPort(Handle h, Network network, UUID project, String name, String description, Optional<String> mac,
                            boolean up, String owner, String device, boolean security, List<UUID> groups,
                            Optional<List<JsonNode>> fixedIps, boolean routerInterface) {
        UUID id = UUID.randomUUID();
        String address = mac.map(given -> {
            String canonical = given.toLowerCase(Locale.ROOT);
            if (!MAC.matcher(canonical).matches() || (Integer.parseInt(canonical.substring(0, 2), 16) & 1) == 1) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for mac_address. Reason: '" + Ipam.shown(given)
                        + "' is not a valid unicast MAC address.");
            }
            if (repository.macTaken(h, network.id(), canonical)) {
                throw NeutronErrors.conflict("MacAddressInUse", "Unable to complete operation for network " + network.id()
                        + ". The mac address " + canonical + " is in use.");
            }
            return canonical;
        }).orElseGet(() -> freeMac(h, network.id()));
        List<FixedIp> ips = allocate(h, network, fixedIps, Set.of(), routerInterface);
        repository.insertPort(h, new NeutronRepository.NewPort(id, network.id(), project, name, description, address, up, owner,
                device, security, "DOWN"));
        repository.setFixedIps(h, id, ips);
        repository.setSecurityGroups(h, id, groups);
        return repository.port(h, id).orElseThrow();
    }

    /** The addresses of fixed_ips (Neutron's forms: subnet and address, subnet alone, address alone) or a default. */
    private List<FixedIp> allocate(Handle h, Network network, Optional<List<JsonNode>> requested, Set<FixedIp> kept,
                                   boolean routerInterface) {
        List<Subnet> subnets = repository.subnetsOfNetwork(h, network.id());
        List<FixedIp> result = new ArrayList<>();
        if (requested.isEmpty()) {
            for (Subnet subnet : subnets) {
                repository.lock(h, "subnet:" + subnet.id());
                Optional<String> free = Ipam.firstFree(plan(subnet), repository.takenAddresses(h, subnet.id()));
                if (free.isPresent()) {
                    result.add(new FixedIp(subnet.id(), free.get()));
                    return result;
                }
            }
            if (!subnets.isEmpty()) {
                throw exhausted(network.id());
            }
            return result;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode item : requested.get()) {
            if (!item.isObject() || item.size() == 0) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for fixed_ips. Reason: each item is "
                        + "{\"subnet_id\": id, \"ip_address\": address} (either may be left out, not both), not "
                        + Ipam.shown(item.toString()) + ".");
            }
            Attributes fixed = Attributes.bare(item, "fixed IP").only(Set.of("subnet_id", "ip_address"));
            Optional<String> subnetText = fixed.string("subnet_id");
            Optional<String> ip = fixed.string("ip_address");
            Subnet subnet;
            if (subnetText.isPresent()) {
                subnet = subnets.stream().filter(s -> s.id().toString().equals(subnetText.get())).findFirst()
                        .orElseThrow(() -> NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: Failed to "
                                + "create port on network " + network.id() + ", because fixed_ips included invalid subnet "
                                + Ipam.shown(subnetText.get()) + " (it is not a subnet of the network)."));
            } else if (ip.isPresent()) {
                long value = Ipam.parse(ip.get(), "fixed_ips");
                subnet = subnets.stream().filter(s -> Ipam.cidr(s.cidr(), "cidr").contains(value)).findFirst()
                        .orElseThrow(() -> NeutronErrors.badRequest("InvalidIpForNetwork", "IP address " + ip.get()
                                + " is not a valid IP for any of the subnets on the specified network " + network.id() + "."));
            } else {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for fixed_ips. Reason: give subnet_id, "
                        + "ip_address or both.");
            }
            repository.lock(h, "subnet:" + subnet.id());
            Set<String> taken = new HashSet<>(repository.takenAddresses(h, subnet.id()));
            kept.stream().filter(k -> k.subnetId().equals(subnet.id())).forEach(k -> taken.remove(k.ipAddress()));
            result.stream().filter(r -> r.subnetId().equals(subnet.id())).forEach(r -> taken.add(r.ipAddress()));
            String address = ip.isPresent()
                    ? Ipam.fixed(plan(subnet), subnet.id().toString(), ip.get(), taken, routerInterface)
                    : Ipam.firstFree(plan(subnet), taken).orElseThrow(() -> exhausted(network.id()));
            if (!seen.add(subnet.id() + "/" + address)) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for fixed_ips. Reason: duplicate address "
                        + address + ".");
            }
            result.add(new FixedIp(subnet.id(), address));
        }
        return result;
    }

    private List<UUID> securityGroups(Handle h, Caller caller, Attributes a, UUID project, boolean security, String owner) {
        if (!a.has("security_groups") || a.isNull("security_groups")) {
            if (!security || owner.startsWith("network:")) {
                return List.of();
            }
            return List.of(ensureDefaultGroup(h, project));
        }
        List<UUID> groups = new ArrayList<>();
        for (String id : a.strings("security_groups")) {
            SecurityGroup group = visibleGroup(h, caller, id);
            if (!groups.contains(group.id())) {
                groups.add(group.id());
            }
        }
        if (!groups.isEmpty() && !security) {
            throw NeutronErrors.badRequest("PortSecurityAndIPRequiredForSecurityGroups", "Port security must be enabled and "
                    + "port must have an IP address in order to use security groups.");
        }
        return groups;
    }

    Port updatePort(Caller caller, String id, JsonNode body) {
        Attributes a = Attributes.of(body, "port").only(Set.of("name", "description", "admin_state_up", "fixed_ips",
                "device_owner", "device_id", "port_security_enabled", "security_groups", "mac_address", "network_id",
                "binding:host_id", "allowed_address_pairs"));
        a.refuse(Set.of("network_id"), "it is read-only once the port exists");
        a.refuse(Set.of("binding:host_id"), "the data path sets it when it binds the port on a host");
        a.refuse(Set.of("mac_address"), "Vireo keeps a port's MAC address for its life; make another port");
        if (!a.list("allowed_address_pairs").isEmpty()) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for allowed_address_pairs. Reason: Vireo's network "
                    + "provider does not support allowed address pairs.");
        }
        return jdbi.inTransaction(h -> {
            Port port = ownPort(h, caller, id, "update");
            Network network = repository.network(h, port.networkId()).orElseThrow();
            String owner = a.string("device_owner", port.deviceOwner());
            if (!caller.admin() && (owner.startsWith("network:") || port.deviceOwner().startsWith("network:"))
                    && !owner.equals(port.deviceOwner())) {
                throw NeutronErrors.forbidden("(rule:update_port:device_owner) is disallowed by policy: only the provider "
                        + "itself changes ports owned by network:*");
            }
            if (repository.isRouterPort(h, port.id()) && (a.has("fixed_ips") || a.has("device_owner") || a.has("device_id"))) {
                throw NeutronErrors.conflict("PortInUse", "Unable to complete operation on port " + port.id() + " for network "
                        + port.networkId() + ". Port already has an attached device " + port.deviceId() + " (a router): "
                        + "change it through the router.");
            }
            boolean security = a.bool("port_security_enabled", port.portSecurityEnabled());
            List<UUID> groups = a.has("security_groups") ? securityGroups(h, caller, a, port.projectId(), security, owner)
                    : port.securityGroups();
            if (!security && !groups.isEmpty()) {
                throw NeutronErrors.conflict("PortSecurityPortHasSecurityGroup", "Port has security group associated. Cannot "
                        + "disable port security or ip address until security group is removed");
            }
            if (a.has("fixed_ips")) {
                List<FixedIp> ips = allocate(h, network, Optional.of(a.list("fixed_ips")), new HashSet<>(port.fixedIps()),
                        false);
                repository.setFixedIps(h, port.id(), ips);
                for (FloatingIp fip : repository.floatingIps(h, Optional.empty())) {
                    if (fip.portId().equals(Optional.of(port.id())) && ips.stream()
                            .noneMatch(ip -> ip.ipAddress().equals(fip.fixedIpAddress().orElse("")))) {
                        throw NeutronErrors.conflict("FloatingIPPortAlreadyAssociated", "Floating IP " + fip.id()
                                + " translates to address " + fip.fixedIpAddress().orElse("") + " of port " + port.id()
                                + "; disassociate it before removing the address.");
                    }
                }
            }
            repository.setSecurityGroups(h, port.id(), groups);
            repository.updatePort(h, port.id(), a.string("name", port.name()), a.string("description", port.description()),
                    a.bool("admin_state_up", port.adminStateUp()), owner, a.string("device_id", port.deviceId()), security);
            return repository.port(h, port.id()).orElseThrow();
        });
    }

    void deletePort(Caller caller, String id) {
        jdbi.useTransaction(h -> {
            Port port = ownPort(h, caller, id, "delete");
            if (port.deviceOwner().equals(OWNER_ROUTER_INTERFACE) || port.deviceOwner().equals(OWNER_ROUTER_GATEWAY)
                    || port.deviceOwner().equals(OWNER_FLOATING_IP) || repository.isRouterPort(h, port.id())) {
                throw NeutronErrors.conflict("ServicePortInUse", "Port " + port.id() + " cannot be deleted directly via the "
                        + "port API: has device owner " + port.deviceOwner() + ".");
            }
            repository.unassociatePort(h, port.id());
            repository.deletePort(h, port.id());
        });
    }

    private Port visiblePort(Handle h, Caller caller, String id) {
        UUID uuid = Attributes.uuid(id, "PortNotFound", "Port");
        return repository.port(h, uuid).filter(p -> caller.owns(p.projectId())).orElseThrow(() -> portNotFound(id));
    }

    private Port ownPort(Handle h, Caller caller, String id, String action) {
        Port port = visiblePort(h, caller, id);
        repository.networkForUpdate(h, port.networkId());
        return repository.port(h, port.id()).orElseThrow(() -> portNotFound(id));
    }

    private static DomainException portNotFound(String id) {
        return NeutronErrors.notFound("PortNotFound", "Port " + Ipam.shown(id) + " could not be found.");
    }

    private String freeMac(Handle h, UUID networkId) {
        for (int attempt = 0; attempt < 64; attempt++) {
            String mac = String.format("fa:16:3e:%02x:%02x:%02x", RANDOM.nextInt(256), RANDOM.nextInt(256), RANDOM.nextInt(256));
            if (!repository.macTaken(h, networkId, mac)) {
                return mac;
            }
        }
        throw NeutronErrors.conflict("MacAddressGenerationFailure", "Unable to generate unique mac on network " + networkId
                + ".");
    }

    // =========================================================================================== routers

    public List<Router> routers(Caller caller) {
        return jdbi.withHandle(h -> repository.routers(h, caller.scope()));
    }

    public Router router(Caller caller, String id) {
        return jdbi.withHandle(h -> visibleRouter(h, caller, id));
    }

    Router createRouter(Caller caller, JsonNode body) {
        Attributes a = Attributes.of(body, "router").only(Set.of("name", "description", "admin_state_up",
                "external_gateway_info", "tenant_id", "project_id", "distributed", "ha", "availability_zone_hints"));
        refuseRouterModes(a);
        return jdbi.inTransaction(h -> {
            UUID project = owner(caller, a);
            UUID id = UUID.randomUUID();
            repository.insertRouter(h, id, project, a.string("name", ""), a.string("description", ""),
                    a.bool("admin_state_up", true));
            Router router = repository.router(h, id).orElseThrow();
            if (a.has("external_gateway_info") && !a.isNull("external_gateway_info")) {
                setGateway(h, caller, router, a.raw("external_gateway_info"), a.string("name", ""),
                        a.string("description", ""), a.bool("admin_state_up", true));
            }
            return repository.router(h, id).orElseThrow();
        });
    }

    Router updateRouter(Caller caller, String id, JsonNode body) {
        Attributes a = Attributes.of(body, "router").only(Set.of("name", "description", "admin_state_up",
                "external_gateway_info", "routes", "distributed", "ha"));
        refuseRouterModes(a);
        if (!a.list("routes").isEmpty()) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for routes. Reason: Vireo's routers have no extra "
                    + "routes (the extraroute extension is not supported).");
        }
        return jdbi.inTransaction(h -> {
            Router router = ownRouter(h, caller, id, "update");
            String name = a.string("name", router.name());
            String description = a.string("description", router.description());
            boolean up = a.bool("admin_state_up", router.adminStateUp());
            if (a.has("external_gateway_info")) {
                setGateway(h, caller, router, a.raw("external_gateway_info"), name, description, up);
            } else {
                repository.updateRouter(h, router.id(), name, description, up, router.gatewayNetworkId().orElse(null),
                        router.enableSnat());
            }
            return repository.router(h, router.id()).orElseThrow();
        });
    }

    private static void refuseRouterModes(Attributes a) {
        if (a.bool("distributed", false) || a.bool("ha", false)) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: Vireo's routers are neither "
                    + "distributed nor HA (a router is a namespace on one host).");
        }
        if (!a.list("availability_zone_hints").isEmpty()) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for availability_zone_hints. Reason: Vireo places "
                    + "routers itself.");
        }
    }

    /** Sets, changes or clears ({} or null) a router's external gateway. */
    private void setGateway(Handle h, Caller caller, Router router, JsonNode info, String name, String description,
                            boolean up) {
        Optional<Port> current = router.gateway().stream().findFirst()
                .flatMap(g -> repository.port(h, g.portId()));
        if (info == null || info.isNull() || (info.isObject() && info.isEmpty())) {
            if (current.isPresent()) {
                if (repository.routerHasFloatingIps(h, router.id())) {
                    throw NeutronErrors.conflict("RouterExternalGatewayInUseByFloatingIp", "Gateway cannot be updated for "
                            + "router " + router.id() + ", since a gateway to external network "
                            + router.gatewayNetworkId().orElseThrow() + " is required by one or more floating IPs.");
                }
                repository.removeRouterPort(h, current.get().id());
                repository.deletePort(h, current.get().id());
            }
            repository.updateRouter(h, router.id(), name, description, up, null, true);
            return;
        }
        Attributes a = Attributes.bare(info, "external_gateway_info").only(Set.of("network_id", "enable_snat",
                "external_fixed_ips"));
        String networkId = a.required("network_id");
        boolean snat = a.bool("enable_snat", true);
        Network network = visibleNetwork(h, caller, networkId);
        if (!network.external()) {
            throw NeutronErrors.badRequest("BadRequest", "Bad router request: Network " + network.id() + " is not an external "
                    + "network (router:external).");
        }
        boolean sameNetwork = router.gatewayNetworkId().equals(Optional.of(network.id()));
        if (sameNetwork && !a.has("external_fixed_ips")) {
            repository.updateRouter(h, router.id(), name, description, up, network.id(), snat);
            return;
        }
        if (current.isPresent()) {
            if (repository.routerHasFloatingIps(h, router.id())) {
                throw NeutronErrors.conflict("RouterExternalGatewayInUseByFloatingIp", "Gateway cannot be updated for router "
                        + router.id() + ", since a gateway to external network " + router.gatewayNetworkId().orElseThrow()
                        + " is required by one or more floating IPs.");
            }
            repository.removeRouterPort(h, current.get().id());
            repository.deletePort(h, current.get().id());
        }
        repository.networkForUpdate(h, network.id());
        Port gateway = insertPort(h, network, router.projectId(), "", "", Optional.empty(), true, OWNER_ROUTER_GATEWAY,
                router.id().toString(), false, List.of(), a.has("external_fixed_ips")
                        ? Optional.of(a.list("external_fixed_ips")) : Optional.empty(), false);
        List<Ipam.Attached> attached = attachedSubnets(h, router);
        for (FixedIp ip : gateway.fixedIps()) {
            Subnet subnet = repository.subnet(h, ip.subnetId()).orElseThrow();
            Ipam.checkNoOverlap(router.id().toString(), new Ipam.Attached(subnet.id().toString(),
                    Ipam.cidr(subnet.cidr(), "cidr")), attached);
        }
        repository.addRouterPort(h, router.id(), gateway.id(), "gateway");
        repository.updateRouter(h, router.id(), name, description, up, network.id(), snat);
    }

    private List<Ipam.Attached> attachedSubnets(Handle h, Router router) {
        List<Ipam.Attached> attached = new ArrayList<>();
        for (RouterPort port : router.interfaces()) {
            if (port.subnetId() != null) {
                repository.subnet(h, port.subnetId()).ifPresent(s -> attached.add(new Ipam.Attached(s.id().toString(),
                        Ipam.cidr(s.cidr(), "cidr"))));
            }
        }
        return attached;
    }

    void deleteRouter(Caller caller, String id) {
        jdbi.useTransaction(h -> {
            Router router = ownRouter(h, caller, id, "delete");
            if (!router.interfaces().isEmpty()) {
                throw NeutronErrors.conflict("RouterInUse", "Router " + router.id() + " still has ports: interfaces on "
                        + router.interfaces().stream().map(p -> String.valueOf(p.subnetId())).distinct().toList()
                        + "; remove them first.");
            }
            if (repository.routerHasFloatingIps(h, router.id())) {
                throw NeutronErrors.conflict("RouterInUse", "Router " + router.id() + " still translates floating IPs; "
                        + "disassociate them first.");
            }
            for (RouterPort gateway : router.gateway()) {
                repository.removeRouterPort(h, gateway.portId());
                repository.deletePort(h, gateway.portId());
            }
            repository.deleteRouter(h, router.id());
        });
    }

    /** What add_router_interface and remove_router_interface answer. */
    public record InterfaceInfo(UUID routerId, UUID projectId, UUID portId, UUID subnetId, UUID networkId) {
    }

    InterfaceInfo addInterface(Caller caller, String routerId, JsonNode body) {
        Attributes a = Attributes.bare(body, "router interface").only(Set.of("subnet_id", "port_id"));
        if (a.has("subnet_id") == a.has("port_id")) {
            throw NeutronErrors.badRequest("BadRequest", "Bad router request: " + (a.has("subnet_id")
                    ? "Cannot specify both subnet-id and port-id" : "Either subnet_id or port_id must be specified") + ".");
        }
        return jdbi.inTransaction(h -> {
            Router router = ownRouter(h, caller, routerId, "add_router_interface");
            Port port;
            Subnet subnet;
            if (a.has("subnet_id")) {
                subnet = visibleSubnet(h, caller, a.required("subnet_id"));
                if (!caller.owns(subnet.projectId()) && !caller.owns(repository.network(h, subnet.networkId()).orElseThrow()
                        .projectId())) {
                    throw NeutronErrors.forbidden("(rule:add_router_interface) is disallowed by policy: subnet "
                            + subnet.id() + " belongs to another project");
                }
                if (subnet.gatewayIp().isEmpty()) {
                    throw NeutronErrors.badRequest("BadRequest", "Bad router request: Subnet for router interface must have a "
                            + "gateway IP (subnet " + subnet.id() + " has none).");
                }
                checkInterface(h, router, subnet);
                Network network = repository.networkForUpdate(h, subnet.networkId()).orElseThrow();
                JsonNode fixed = io.vireo.model.Json.strictMapper().createArrayNode().add(io.vireo.model.Json.strictMapper()
                        .createObjectNode().put("subnet_id", subnet.id().toString()).put("ip_address", subnet.gatewayIp().get()));
                List<JsonNode> fixedIps = new ArrayList<>();
                fixed.forEach(fixedIps::add);
                try {
                    port = insertPort(h, network, router.projectId(), "", "", Optional.empty(), true, OWNER_ROUTER_INTERFACE,
                            router.id().toString(), false, List.of(), Optional.of(fixedIps), true);
                } catch (DomainException e) {
                    if (NeutronErrors.is(e, "IpAddressAlreadyAllocated")) {
                        throw NeutronErrors.conflict("IpAddressInUse", "Unable to complete operation for network "
                                + network.id() + ". The IP address " + subnet.gatewayIp().get() + " (the gateway of subnet "
                                + subnet.id() + ") is in use, by another router's interface or a port.");
                    }
                    throw e;
                }
            } else {
                Port given = ownPort(h, caller, a.required("port_id"), "update");
                if (!given.deviceId().isEmpty() || !given.deviceOwner().isEmpty()) {
                    throw NeutronErrors.conflict("PortInUse", "Unable to complete operation on port " + given.id()
                            + " for network " + given.networkId() + ". Port already has an attached device "
                            + Ipam.shown(given.deviceId()) + ".");
                }
                if (given.fixedIps().size() != 1) {
                    throw NeutronErrors.badRequest("BadRequest", "Bad router request: Router port must have exactly one fixed "
                            + "IP (port " + given.id() + " has " + given.fixedIps().size() + ").");
                }
                subnet = repository.subnet(h, given.fixedIps().getFirst().subnetId()).orElseThrow();
                checkInterface(h, router, subnet);
                repository.updatePort(h, given.id(), given.name(), given.description(), given.adminStateUp(),
                        OWNER_ROUTER_INTERFACE, router.id().toString(), given.portSecurityEnabled());
                port = repository.port(h, given.id()).orElseThrow();
            }
            repository.addRouterPort(h, router.id(), port.id(), "interface");
            repository.touchRouter(h, router.id());
            return new InterfaceInfo(router.id(), router.projectId(), port.id(), subnet.id(), subnet.networkId());
        });
    }

    private void checkInterface(Handle h, Router router, Subnet subnet) {
        for (RouterPort existing : router.interfaces()) {
            if (subnet.id().equals(existing.subnetId())) {
                throw NeutronErrors.badRequest("BadRequest", "Bad router request: Router already has a port on subnet "
                        + subnet.id() + ".");
            }
        }
        List<Ipam.Attached> attached = attachedSubnets(h, router);
        for (RouterPort gateway : router.gateway()) {
            if (gateway.subnetId() != null) {
                repository.subnet(h, gateway.subnetId()).ifPresent(s -> attached.add(new Ipam.Attached(s.id().toString(),
                        Ipam.cidr(s.cidr(), "cidr"))));
            }
        }
        Ipam.checkNoOverlap(router.id().toString(), new Ipam.Attached(subnet.id().toString(), Ipam.cidr(subnet.cidr(), "cidr")),
                attached);
    }

    InterfaceInfo removeInterface(Caller caller, String routerId, JsonNode body) {
        Attributes a = Attributes.bare(body, "router interface").only(Set.of("subnet_id", "port_id"));
        if (a.string("subnet_id").isEmpty() && a.string("port_id").isEmpty()) {
            throw NeutronErrors.badRequest("BadRequest", "Bad router request: Either subnet_id or port_id must be specified.");
        }
        return jdbi.inTransaction(h -> {
            Router router = ownRouter(h, caller, routerId, "remove_router_interface");
            Optional<String> subnetId = a.string("subnet_id");
            Optional<String> portId = a.string("port_id");
            RouterPort found = router.interfaces().stream()
                    .filter(p -> subnetId.map(s -> s.equals(String.valueOf(p.subnetId()))).orElse(true))
                    .filter(p -> portId.map(s -> s.equals(p.portId().toString())).orElse(true))
                    .findFirst().orElseThrow(() -> portId.isPresent()
                            ? NeutronErrors.notFound("RouterInterfaceNotFound", "Router " + router.id() + " does not have an "
                            + "interface with id " + Ipam.shown(portId.get()) + (subnetId.map(s -> " on subnet " + Ipam.shown(s))
                            .orElse("")) + ".")
                            : NeutronErrors.notFound("RouterInterfaceNotFoundForSubnet", "Router " + router.id() + " has no "
                            + "interface on subnet " + Ipam.shown(subnetId.orElseThrow()) + "."));
            if (found.subnetId() != null && repository.floatingIpsThrough(h, router.id(), found.subnetId())) {
                throw NeutronErrors.conflict("RouterInterfaceInUseByFloatingIP", "Router interface for subnet "
                        + found.subnetId() + " on router " + router.id() + " cannot be deleted, as it is required by one or "
                        + "more floating IPs.");
            }
            repository.removeRouterPort(h, found.portId());
            repository.deletePort(h, found.portId());
            repository.touchRouter(h, router.id());
            return new InterfaceInfo(router.id(), router.projectId(), found.portId(), found.subnetId(), found.networkId());
        });
    }

    private Router visibleRouter(Handle h, Caller caller, String id) {
        UUID uuid = Attributes.uuid(id, "RouterNotFound", "Router");
        return repository.router(h, uuid).filter(r -> caller.owns(r.projectId()))
                .orElseThrow(() -> NeutronErrors.notFound("RouterNotFound", "Router " + Ipam.shown(id) + " could not be found."));
    }

    private Router ownRouter(Handle h, Caller caller, String id, String action) {
        Router router = visibleRouter(h, caller, id);
        repository.lock(h, "router:" + router.id());
        return repository.router(h, router.id()).orElseThrow();
    }

    // =========================================================================================== security groups

    public List<SecurityGroup> securityGroups(Caller caller) {
        return jdbi.inTransaction(h -> {
            ensureDefaultGroup(h, caller.projectId());
            return repository.groups(h, caller.scope());
        });
    }

    public SecurityGroup securityGroup(Caller caller, String id) {
        return jdbi.withHandle(h -> visibleGroup(h, caller, id));
    }

    SecurityGroup createSecurityGroup(Caller caller, JsonNode body) {
        Attributes a = Attributes.of(body, "security_group").only(Set.of("name", "description", "tenant_id", "project_id",
                "stateful"));
        if (!a.bool("stateful", true)) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for stateful. Reason: Vireo's security groups are "
                    + "stateful (connection tracking).");
        }
        return jdbi.inTransaction(h -> {
            UUID project = owner(caller, a);
            ensureDefaultGroup(h, project);
            String name = a.string("name", "");
            if (name.equals("default")) {
                throw NeutronErrors.conflict("SecurityGroupDefaultAlreadyExists", "Default security group already exists: "
                        + "each project has one, made for it; name this one otherwise.");
            }
            UUID id = UUID.randomUUID();
            repository.insertGroup(h, id, project, name, a.string("description", ""));
            repository.insertRule(h, new Rule(UUID.randomUUID(), id, project, "egress", "IPv4", null, null, null, null, null,
                    "", null));
            return repository.group(h, id).orElseThrow();
        });
    }

    SecurityGroup updateSecurityGroup(Caller caller, String id, JsonNode body) {
        Attributes a = Attributes.of(body, "security_group").only(Set.of("name", "description", "stateful"));
        if (!a.bool("stateful", true)) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for stateful. Reason: Vireo's security groups are "
                    + "stateful (connection tracking).");
        }
        return jdbi.inTransaction(h -> {
            SecurityGroup group = visibleGroup(h, caller, id);
            String name = a.string("name", group.name());
            if (group.name().equals("default") && !name.equals("default")) {
                throw NeutronErrors.conflict("SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.");
            }
            if (!group.name().equals("default") && name.equals("default")) {
                throw NeutronErrors.conflict("SecurityGroupDefaultAlreadyExists", "Default security group already exists.");
            }
            repository.updateGroup(h, group.id(), name, a.string("description", group.description()));
            return repository.group(h, group.id()).orElseThrow();
        });
    }

    void deleteSecurityGroup(Caller caller, String id) {
        jdbi.useTransaction(h -> {
            SecurityGroup group = visibleGroup(h, caller, id);
            if (group.name().equals("default") && !caller.admin()) {
                throw NeutronErrors.conflict("SecurityGroupCannotRemoveDefault", "Insufficient rights for removing default "
                        + "security group.");
            }
            if (repository.groupInUse(h, group.id())) {
                throw NeutronErrors.conflict("SecurityGroupInUse", "Security Group " + group.id() + " in use: ports are in "
                        + "it; take them out first.");
            }
            repository.deleteGroup(h, group.id());
        });
    }

    /** The project's default group, made (with Neutron's default rules) the first time it is needed. */
    private UUID ensureDefaultGroup(Handle h, UUID project) {
        Optional<UUID> existing = repository.defaultGroup(h, project);
        if (existing.isPresent()) {
            return existing.get();
        }
        UUID id = UUID.randomUUID();
        if (repository.insertDefaultGroup(h, id, project, "Default security group")) {
            repository.insertRule(h, new Rule(UUID.randomUUID(), id, project, "egress", "IPv4", null, null, null, null, null,
                    "", null));
            repository.insertRule(h, new Rule(UUID.randomUUID(), id, project, "ingress", "IPv4", null, null, null, null, id,
                    "", null));
            return id;
        }
        return repository.defaultGroup(h, project).orElseThrow();
    }

    private SecurityGroup visibleGroup(Handle h, Caller caller, String id) {
        UUID uuid = Attributes.uuid(id, "SecurityGroupNotFound", "Security group");
        return repository.group(h, uuid).filter(g -> caller.owns(g.projectId()))
                .orElseThrow(() -> NeutronErrors.notFound("SecurityGroupNotFound", "Security group " + Ipam.shown(id)
                        + " does not exist"));
    }

    public List<Rule> rules(Caller caller) {
        return jdbi.inTransaction(h -> {
            ensureDefaultGroup(h, caller.projectId());
            return repository.rules(h, caller.scope());
        });
    }

    public Rule rule(Caller caller, String id) {
        return jdbi.withHandle(h -> visibleRule(h, caller, id));
    }

    Rule createRule(Caller caller, JsonNode body) {
        Attributes a = Attributes.of(body, "security_group_rule").only(Set.of("security_group_id", "direction", "ethertype",
                "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id", "description",
                "tenant_id", "project_id", "remote_address_group_id"));
        if (a.has("remote_address_group_id") && !a.isNull("remote_address_group_id")) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for remote_address_group_id. Reason: Vireo's "
                    + "provider has no address groups.");
        }
        String direction = a.required("direction");
        if (!direction.equals("ingress") && !direction.equals("egress")) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for direction. Reason: " + Ipam.shown(direction)
                    + " is not in [None, 'ingress', 'egress'].");
        }
        String ethertype = a.string("ethertype", "IPv4");
        if (!ethertype.equalsIgnoreCase("IPv4") && !ethertype.equalsIgnoreCase("IPv6")) {
            throw NeutronErrors.badRequest("SecurityGroupRuleInvalidEtherType", "Security group rule for ethertype '"
                    + Ipam.shown(ethertype) + "' not supported. Allowed values are ['IPv4', 'IPv6'].");
        }
        ethertype = ethertype.equalsIgnoreCase("IPv4") ? "IPv4" : "IPv6";
        String protocol = protocol(a);
        Integer min = a.integer("port_range_min").orElse(null);
        Integer max = a.integer("port_range_max").orElse(null);
        checkPorts(protocol, min, max);
        String prefix = a.string("remote_ip_prefix").map(text -> remotePrefix(text)).orElse(null);
        if (prefix != null && ethertype.equals("IPv6")) {
            throw NeutronErrors.badRequest("SecurityGroupRuleParameterConflict", "Conflicting value ethertype IPv6 for CIDR "
                    + prefix + ".");
        }
        if (prefix != null && a.has("remote_group_id") && !a.isNull("remote_group_id")) {
            throw NeutronErrors.badRequest("SecurityGroupRemoteGroupAndRemoteIpPrefix", "Only remote_ip_prefix or "
                    + "remote_group_id may be provided.");
        }
        String finalEthertype = ethertype;
        return jdbi.inTransaction(h -> {
            SecurityGroup group = visibleGroup(h, caller, a.required("security_group_id"));
            UUID remote = a.string("remote_group_id").map(id -> visibleGroup(h, caller, id).id()).orElse(null);
            Rule rule = new Rule(UUID.randomUUID(), group.id(), group.projectId(), direction, finalEthertype, protocol, min, max,
                    prefix, remote, a.string("description", ""), null);
            repository.sameRule(h, rule).ifPresent(existing -> {
                throw NeutronErrors.conflict("SecurityGroupRuleExists", "Security group rule already exists. Rule id is "
                        + existing + ".");
            });
            repository.insertRule(h, rule);
            repository.touchGroup(h, group.id());
            return repository.rule(h, rule.id()).orElseThrow();
        });
    }

    void deleteRule(Caller caller, String id) {
        jdbi.useTransaction(h -> {
            Rule rule = visibleRule(h, caller, id);
            repository.deleteRule(h, rule.id());
            repository.touchGroup(h, rule.securityGroupId());
        });
    }

    private Rule visibleRule(Handle h, Caller caller, String id) {
        UUID uuid = Attributes.uuid(id, "SecurityGroupRuleNotFound", "Security group rule");
        return repository.rule(h, uuid).filter(r -> caller.owns(r.projectId()))
                .orElseThrow(() -> NeutronErrors.notFound("SecurityGroupRuleNotFound", "Security group rule " + Ipam.shown(id)
                        + " does not exist"));
    }

    private static String protocol(Attributes a) {
        JsonNode raw = a.raw("protocol");
        if (raw == null || raw.isNull()) {
            return null;
        }
        String text = raw.isIntegralNumber() ? String.valueOf(raw.intValue()) : raw.isTextual() ? raw.textValue() : null;
        if (text == null) {
            throw NeutronErrors.badRequest("SecurityGroupRuleInvalidProtocol", "Security group rule protocol "
                    + Ipam.shown(raw.toString()) + " not supported. Only protocol values " + new java.util.TreeSet<>(PROTOCOLS)
                    + " and integer representations [0 to 255] are supported.");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("any")) {
            return null;
        }
        if (PROTOCOLS.contains(lower)) {
            return lower;
        }
        if (lower.matches("\\d{1,3}") && Integer.parseInt(lower) <= 255) {
            return switch (Integer.parseInt(lower)) {
                case 1 -> "icmp";
                case 6 -> "tcp";
                case 17 -> "udp";
                default -> String.valueOf(Integer.parseInt(lower));
            };
        }
        throw NeutronErrors.badRequest("SecurityGroupRuleInvalidProtocol", "Security group rule protocol " + Ipam.shown(text)
                + " not supported. Only protocol values " + new java.util.TreeSet<>(PROTOCOLS) + " and integer representations "
                + "[0 to 255] are supported.");
    }

    private static void checkPorts(String protocol, Integer min, Integer max) {
        if (min == null && max == null) {
            return;
        }
        if (protocol == null) {
            throw NeutronErrors.badRequest("SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol if port "
                    + "range is given.");
        }
        if (protocol.equals("icmp") || protocol.equals("icmpv6")) {
            if ((min != null && (min < 0 || min > 255)) || (max != null && (max < 0 || max > 255))) {
                throw NeutronErrors.badRequest("SecurityGroupInvalidIcmpValue", "Invalid value for ICMP field (port_range_min "
                        + "is the ICMP type, port_range_max the code): " + min + ", " + max + ". It must be 0 to 255.");
            }
            if (min == null) {
                throw NeutronErrors.badRequest("SecurityGroupMissingIcmpType", "ICMP code (port-range-max) " + max
                        + " is provided but ICMP type (port-range-min) is missing.");
            }
            return;
        }
        if (!Set.of("tcp", "udp", "sctp", "dccp", "udplite").contains(protocol)) {
            throw NeutronErrors.badRequest("SecurityGroupInvalidProtocolForPort", "Invalid protocol " + protocol + " for port "
                    + "range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.");
        }
        if (min == null || max == null || min < 1 || max > 65535 || min > max) {
            throw NeutronErrors.badRequest("SecurityGroupInvalidPortRange", "For TCP/UDP protocols, port_range_min must be <= "
                    + "port_range_max and both within 1 and 65535 (given " + min + " and " + max + ").");
        }
    }

    private static String remotePrefix(String text) {
        String withPrefix = text.contains("/") ? text : text + "/32";
        int slash = withPrefix.indexOf('/');
        long address = Ipam.parse(withPrefix.substring(0, slash), "remote_ip_prefix");
        if (!withPrefix.substring(slash + 1).matches("\\d{1,2}") || Integer.parseInt(withPrefix.substring(slash + 1)) > 32) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for remote_ip_prefix. Reason: '" + Ipam.shown(text)
                    + "' is not a valid IPv4 CIDR.");
        }
        int prefix = Integer.parseInt(withPrefix.substring(slash + 1));
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return Ipam.format(address & mask) + "/" + prefix;
    }

    // =========================================================================================== floating IPs

    public List<FloatingIp> floatingIps(Caller caller) {
        return jdbi.withHandle(h -> repository.floatingIps(h, caller.scope()));
    }

    public FloatingIp floatingIp(Caller caller, String id) {
        return jdbi.withHandle(h -> visibleFloatingIp(h, caller, id));
    }

    FloatingIp createFloatingIp(Caller caller, JsonNode body) {
        Attributes a = Attributes.of(body, "floatingip").only(Set.of("floating_network_id", "floating_ip_address", "subnet_id",
                "port_id", "fixed_ip_address", "description", "tenant_id", "project_id"));
        String networkId = a.required("floating_network_id");
        return jdbi.inTransaction(h -> {
            UUID project = owner(caller, a);
            Network network = visibleNetwork(h, caller, networkId);
            if (!network.external()) {
                throw NeutronErrors.badRequest("BadRequest", "Bad floatingip request: Network " + network.id() + " is not a "
                        + "valid external network.");
            }
            repository.networkForUpdate(h, network.id());
            UUID id = UUID.randomUUID();
            List<JsonNode> fixed = new ArrayList<>();
            if (a.has("floating_ip_address") || a.has("subnet_id")) {
                var item = io.vireo.model.Json.strictMapper().createObjectNode();
                a.string("subnet_id").ifPresent(s -> item.put("subnet_id", s));
                a.string("floating_ip_address").ifPresent(s -> item.put("ip_address", s));
                fixed.add(item);
            }
            Port address = insertPort(h, network, project, "", "", Optional.empty(), true, OWNER_FLOATING_IP, id.toString(),
                    false, List.of(), fixed.isEmpty() ? Optional.empty() : Optional.of(fixed), false);
            if (address.fixedIps().isEmpty()) {
                throw NeutronErrors.badRequest("BadRequest", "Bad floatingip request: external network " + network.id()
                        + " has no subnet to take an address from.");
            }
            repository.insertFloatingIp(h, id, project, network.id(), address.id(), address.fixedIps().getFirst().ipAddress(),
                    a.string("description", ""));
            if (a.has("port_id") && !a.isNull("port_id")) {
                associate(h, caller, repository.floatingIp(h, id).orElseThrow(), a.string("port_id").orElseThrow(),
                        a.string("fixed_ip_address"));
            }
            return repository.floatingIp(h, id).orElseThrow();
        });
    }

    FloatingIp updateFloatingIp(Caller caller, String id, JsonNode body) {
        Attributes a = Attributes.of(body, "floatingip").only(Set.of("port_id", "fixed_ip_address", "description"));
        return jdbi.inTransaction(h -> {
            FloatingIp fip = visibleFloatingIp(h, caller, id);
            repository.lock(h, "floatingip:" + fip.id());
            if (a.has("description")) {
                repository.describeFloatingIp(h, fip.id(), a.string("description", ""));
            }
            if (a.has("port_id")) {
                if (a.isNull("port_id")) {
                    repository.associate(h, fip.id(), null, null, null);
                } else {
                    associate(h, caller, fip, a.string("port_id").orElseThrow(), a.string("fixed_ip_address"));
                }
            } else if (a.has("fixed_ip_address")) {
                throw NeutronErrors.badRequest("BadRequest", "Bad floatingip request: fixed_ip_address needs port_id.");
            }
            return repository.floatingIp(h, fip.id()).orElseThrow();
        });
    }

    void deleteFloatingIp(Caller caller, String id) {
        jdbi.useTransaction(h -> {
            FloatingIp fip = visibleFloatingIp(h, caller, id);
            UUID addressPort = repository.addressPort(h, fip.id()).orElseThrow();
            repository.deleteFloatingIp(h, fip.id());
            repository.deletePort(h, addressPort);
        });
    }

    private void associate(Handle h, Caller caller, FloatingIp fip, String portId, Optional<String> fixedIp) {
        Port port = visiblePort(h, caller, portId);
        // one association at a time per port (the unique index on port and address decides, this keeps it a 409)
        repository.lock(h, "port-floating-ips:" + port.id());
        if (port.networkId().equals(fip.floatingNetworkId())) {
            throw NeutronErrors.badRequest("BadRequest", "Bad floatingip request: port " + port.id() + " is on the floating "
                    + "network itself.");
        }
        if (port.fixedIps().isEmpty()) {
            throw NeutronErrors.badRequest("BadRequest", "Bad floatingip request: Port " + port.id() + " does not have any "
                    + "IP addresses on it.");
        }
        FixedIp chosen;
        if (fixedIp.isPresent()) {
            chosen = port.fixedIps().stream().filter(ip -> ip.ipAddress().equals(fixedIp.get())).findFirst()
                    .orElseThrow(() -> NeutronErrors.badRequest("BadRequest", "Bad floatingip request: Port " + port.id()
                            + " does not have fixed ip " + Ipam.shown(fixedIp.get()) + "."));
        } else if (port.fixedIps().size() > 1) {
            throw NeutronErrors.badRequest("BadRequest", "Bad floatingip request: Port " + port.id() + " has multiple fixed "
                    + "IPv4 addresses. Must provide a specific IPv4 address when assigning a floating IP.");
        } else {
            chosen = port.fixedIps().getFirst();
        }
        UUID router = repository.routersOnSubnet(h, chosen.subnetId()).stream()
                .map(r -> repository.router(h, r).orElseThrow())
                .filter(r -> r.gatewayNetworkId().equals(Optional.of(fip.floatingNetworkId())))
                .map(Router::id).findFirst()
                .map(id -> {
                    repository.lock(h, "router:" + id);
                    return id;
                })
                .orElseThrow(() -> NeutronErrors.notFound("ExternalGatewayForFloatingIPNotFound", "External network "
                        + fip.floatingNetworkId() + " is not reachable from subnet " + chosen.subnetId() + ". Therefore, "
                        + "cannot associate Port " + port.id() + " with a Floating IP (no router joins the subnet to it)."));
        for (FloatingIp other : repository.floatingIps(h, Optional.empty())) {
            if (!other.id().equals(fip.id()) && other.portId().equals(Optional.of(port.id()))
                    && other.fixedIpAddress().equals(Optional.of(chosen.ipAddress()))) {
                throw NeutronErrors.conflict("FloatingIPPortAlreadyAssociated", "Cannot associate floating IP "
                        + fip.floatingIpAddress() + " (" + fip.id() + ") with port " + port.id() + " using fixed IP "
                        + chosen.ipAddress() + ", as that fixed IP already has a floating IP on external network "
                        + other.floatingNetworkId() + ".");
            }
        }
        repository.associate(h, fip.id(), port.id(), chosen.ipAddress(), router);
    }

    private FloatingIp visibleFloatingIp(Handle h, Caller caller, String id) {
        UUID uuid = Attributes.uuid(id, "FloatingIPNotFound", "Floating IP");
        return repository.floatingIp(h, uuid).filter(f -> caller.owns(f.projectId()))
                .orElseThrow(() -> NeutronErrors.notFound("FloatingIPNotFound", "Floating IP " + Ipam.shown(id)
                        + " could not be found"));
    }

    // =========================================================================================== common

    /** The project an object is made for: the caller's, or for an admin the one the body names. */
    private static UUID owner(Caller caller, Attributes a) {
        Optional<String> tenant = a.string("tenant_id");
        Optional<String> project = a.string("project_id");
        if (tenant.isPresent() && project.isPresent() && !tenant.get().equals(project.get())) {
            throw NeutronErrors.invalid("tenant_id and project_id must be the same when both are given");
        }
        Optional<String> named = project.or(() -> tenant);
        if (named.isEmpty()) {
            return caller.projectId();
        }
        UUID id;
        try {
            id = UUID.fromString(named.get());
        } catch (IllegalArgumentException e) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for project_id. Reason: '" + Ipam.shown(named.get())
                    + "' is not a project id of this cloud.");
        }
        if (!caller.owns(id)) {
            throw NeutronErrors.forbidden("(rule:create:project_id) is disallowed by policy: only an admin makes objects for "
                    + "another project");
        }
        return id;
    }

    private static String describe(List<Port> ports) {
        return ports.stream().limit(5).map(p -> p.id() + (p.deviceOwner().isEmpty() ? "" : " (" + p.deviceOwner() + ")"))
                .reduce((x, y) -> x + ", " + y).orElse("") + (ports.size() > 5 ? " and " + (ports.size() - 5) + " more" : "");
    }

    // =========================================================================================== for the networks package

    /**
     * Makes the port of a Vireo VM's NIC on a network: device_owner {@value NeutronModel#OWNER_VIREO_VM}, device_id the
     * VM's id, the MAC the VM's NIC has, one address from the first subnet with a free one, and the project's default
     * security group (when the network has port security). The project is the network's.
     *
     * @throws DomainException NetworkNotFound (404), MacAddressInUse (409), IpAddressGenerationFailure (409)
     */
    public Port createVmPort(UUID networkId, UUID vmId, String mac) {
        requireNonNull(vmId, "vmId");
        requireNonNull(mac, "mac");
        return jdbi.inTransaction(h -> {
            Network network = repository.networkForUpdate(h, networkId).orElseThrow(() -> networkNotFound(String.valueOf(networkId)));
            List<UUID> groups = network.portSecurityEnabled() ? List.of(ensureDefaultGroup(h, network.projectId())) : List.of();
            return insertPort(h, network, network.projectId(), "", "NIC of VM " + vmId, Optional.of(mac), true,
                    OWNER_VIREO_VM, vmId.toString(), network.portSecurityEnabled(), groups, Optional.empty(), false);
        });
    }

    /**
     * A network as the networks package sees it when a VM NIC is put on it or plugged (whoever's project it is).
     *
     * @throws DomainException NetworkNotFound (404)
     */
    public Network networkForNic(UUID networkId) {
        return jdbi.withHandle(h -> repository.network(h, networkId)).orElseThrow(() -> networkNotFound(String.valueOf(networkId)));
    }

    /** Removes a VM NIC's port (and unassociates its floating IPs); nothing if it is gone already. */
    public void deleteVmPort(UUID portId) {
        jdbi.useTransaction(h -> repository.port(h, portId).ifPresent(port -> {
            if (!port.deviceOwner().equals(OWNER_VIREO_VM)) {
                throw NeutronErrors.conflict("PortInUse", "Port " + portId + " is not a Vireo VM's NIC (it is owned by "
                        + port.deviceOwner() + ").");
            }
            repository.unassociatePort(h, portId);
            repository.deletePort(h, portId);
        }));
    }

    /** Records where the data path bound a port (binding:host_id, "" for nowhere) and its status. */
    public void setBinding(UUID portId, String hostId, String status) {
        requireNonNull(hostId, "hostId");
        if (!Set.of("ACTIVE", "DOWN", "BUILD", "ERROR").contains(status)) {
            throw new IllegalArgumentException("a port's status is ACTIVE, DOWN, BUILD or ERROR, not " + status);
        }
        jdbi.useTransaction(h -> {
            if (!repository.setBinding(h, portId, hostId, status)) {
                throw portNotFound(portId.toString());
            }
        });
    }

    /** Everything the data path needs, read in one transaction (a consistent view). */
    public record Snapshot(List<Network> networks, List<Subnet> subnets, List<Port> ports, List<Router> routers,
                           List<SecurityGroup> securityGroups, List<FloatingIp> floatingIps) {
        public Snapshot {
            networks = List.copyOf(networks);
            subnets = List.copyOf(subnets);
            ports = List.copyOf(ports);
            routers = List.copyOf(routers);
            securityGroups = List.copyOf(securityGroups);
            floatingIps = List.copyOf(floatingIps);
        }

        public Map<UUID, Network> networksById() {
            return index(networks, Network::id);
        }

        public Map<UUID, Subnet> subnetsById() {
            return index(subnets, Subnet::id);
        }

        private static <T> Map<UUID, T> index(List<T> items, Function<T, UUID> id) {
            Map<UUID, T> map = new LinkedHashMap<>();
            items.forEach(item -> map.put(id.apply(item), item));
            return map;
        }
    }

    /** Every network, subnet, port (with bindings, fixed IPs, groups), router, security group (with rules) and floating IP. */
    public Snapshot snapshot() {
        return jdbi.inTransaction(org.jdbi.v3.core.transaction.TransactionIsolationLevel.REPEATABLE_READ, h -> new Snapshot(
                repository.networks(h, Optional.empty()), repository.subnets(h, Optional.empty()),
                repository.ports(h, Optional.empty()), repository.routers(h, Optional.empty()),
                repository.groups(h, Optional.empty()), repository.floatingIps(h, Optional.empty())));
    }
}
