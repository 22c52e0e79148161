package io.vireo.engine.networks;

import io.vireo.model.rpc.DhcpService;
import io.vireo.model.rpc.OverlayRouter;
import io.vireo.model.rpc.OverlaySegment;
import io.vireo.model.rpc.OverlayState;
import io.vireo.model.rpc.PortFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * What each host must carry of the built-in network provider, worked out from a snapshot of the
 * provider's objects and of the hosts: a pure function (no database, no engine imports), so that every
 * rule of where things go is a unit test.
 *
 * <p>Where things go: a VM's port is wired on the hosts its VM runs on or is moving to; a network's DHCP
 * service and a router each run on one host, chosen by rendezvous hashing of its id over the hosts that
 * can take it (so it stays put while those hosts stay, and moves only when its host goes); a router with
 * a gateway needs a host that carries the external network's bridge. A host carries a VXLAN segment
 * when something of it is there (a port, the DHCP service, a router's interface), with every other such
 * host as a peer.
 */
public final class OverlayPlan {
    static final String TYPE_VXLAN = "vxlan";
    static final String OWNER_DHCP = "network:dhcp";
    static final String OWNER_ROUTER_INTERFACE = "network:router_interface";
    static final String OWNER_ROUTER_GATEWAY = "network:router_gateway";
    static final int LEASE_SECONDS = 86_400;

    /**
     * A host that can carry overlay wiring: Up and connected.
     *
     * @param vtepIp its address for VXLAN traffic
     * @param bridges the bridges of host networks it carries (for a flat network's ports and router gateways)
     */
    public record PlanHost(String id, String vtepIp, Set<String> bridges) {
        public PlanHost {
            requireNonNull(id, "id");
            requireNonNull(vtepIp, "vtepIp");
            bridges = bridges == null ? Set.of() : Set.copyOf(bridges);
        }
    }

    /**
     * @param type "vxlan" or "flat"
     * @param physicalBridge for a flat network, the host bridge of the host network it is on; null otherwise
     */
    public record PlanNetwork(String id, String type, int vni, int mtu, String physicalBridge) {
        public PlanNetwork {
            requireNonNull(id, "id");
            requireNonNull(type, "type");
        }

        /** The bridge its ports plug into on a host. */
        public String bridge() {
            return TYPE_VXLAN.equals(type) ? vxlanBridge(id) : physicalBridge;
        }
    }

    public record PlanSubnet(String id, String networkId, String cidr, String gatewayIp, List<String> dnsNameservers,
                             boolean enableDhcp) {
        public PlanSubnet {
            requireNonNull(id, "id");
            requireNonNull(networkId, "networkId");
            requireNonNull(cidr, "cidr");
            dnsNameservers = dnsNameservers == null ? List.of() : List.copyOf(dnsNameservers);
        }

        int prefixLength() {
            return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
        }
    }

    public record PlanFixedIp(String subnetId, String ip) {
    }

    /**
     * @param hosts for a VM's port, the hosts its VM runs on or is moving to (empty while it is down)
     */
    public record PlanPort(String id, String networkId, String mac, List<PlanFixedIp> fixedIps, String deviceOwner,
                           String deviceId, boolean portSecurity, List<String> securityGroupIds, Set<String> hosts) {
        public PlanPort {
            requireNonNull(id, "id");
            requireNonNull(networkId, "networkId");
            requireNonNull(mac, "mac");
            fixedIps = fixedIps == null ? List.of() : List.copyOf(fixedIps);
            deviceOwner = deviceOwner == null ? "" : deviceOwner;
            securityGroupIds = securityGroupIds == null ? List.of() : List.copyOf(securityGroupIds);
            hosts = hosts == null ? Set.of() : Set.copyOf(hosts);
        }
    }

    public record PlanRouter(String id, boolean adminStateUp, boolean snat) {
    }

    /**
     * @param direction "ingress" or "egress"
     * @param ethertype "IPv4" or "IPv6" (IPv6 rules are not carried: the provider is IPv4 only)
     */
    public record PlanRule(String groupId, String direction, String ethertype, String protocol, Integer portMin, Integer portMax,
                           String remoteIpPrefix, String remoteGroupId) {
    }

    public record PlanFloatingIp(String address, String portId, String fixedIp, String routerId) {
    }

    public record Snapshot(List<PlanHost> hosts, List<PlanNetwork> networks, List<PlanSubnet> subnets, List<PlanPort> ports,
                           List<PlanRouter> routers, List<PlanRule> rules, List<PlanFloatingIp> floatingIps) {
        public Snapshot {
            hosts = List.copyOf(hosts);
            networks = List.copyOf(networks);
            subnets = List.copyOf(subnets);
            ports = List.copyOf(ports);
            routers = List.copyOf(routers);
            rules = List.copyOf(rules);
            floatingIps = List.copyOf(floatingIps);
        }
    }

    /**
     * The plan: each host's state (every host of the snapshot has one, empty when nothing is there, so
     * that it removes what it no longer needs), and where each DHCP service and router was placed.
     */
    public record Result(Map<String, OverlayState> states, Map<String, String> dhcpHosts, Map<String, String> routerHosts) {
    }

    private OverlayPlan() {
    }

    public static String vxlanBridge(String networkId) {
        return "brq" + networkId.substring(0, 11);
    }

    public static String tap(String portId) {
        return "tap" + portId.substring(0, 11);
    }

    public static Result plan(Snapshot snapshot) {
        Map<String, PlanNetwork> networks = index(snapshot.networks(), PlanNetwork::id);
        Map<String, PlanSubnet> subnets = index(snapshot.subnets(), PlanSubnet::id);
        Map<String, PlanHost> hosts = index(snapshot.hosts(), PlanHost::id);
        List<String> hostIds = snapshot.hosts().stream().map(PlanHost::id).sorted().toList();

        Map<String, HostParts> parts = new TreeMap<>();
        hostIds.forEach(id -> parts.put(id, new HostParts()));

        // VM ports: where their VMs are
        for (PlanPort port : snapshot.ports()) {
            if (!port.deviceOwner().startsWith("compute:")) {
                continue;
            }
            PlanNetwork network = networks.get(port.networkId());
            if (network == null || network.bridge() == null) {
                continue;
            }
            for (String hostId : port.hosts()) {
                HostParts there = parts.get(hostId);
                if (there != null && carries(hosts.get(hostId), network)) {
                    there.networks.add(network.id());
                    there.ports.add(port);
                }
            }
        }

        // DHCP: one host per network that has a DHCP port and a subnet serving DHCP
        Map<String, String> dhcpHosts = new TreeMap<>();
        for (PlanPort dhcpPort : snapshot.ports()) {
            if (!OWNER_DHCP.equals(dhcpPort.deviceOwner())) {
                continue;
            }
            PlanNetwork network = networks.get(dhcpPort.networkId());
            List<PlanSubnet> served = snapshot.subnets().stream()
                    .filter(s -> s.networkId().equals(dhcpPort.networkId()) && s.enableDhcp()).toList();
            if (network == null || network.bridge() == null || served.isEmpty()) {
                continue;
            }
            Optional<PlanFixedIp> address = dhcpPort.fixedIps().stream()
                    .filter(ip -> served.stream().anyMatch(s -> s.id().equals(ip.subnetId()))).findFirst();
            Optional<String> chosen = choose(network.id(), snapshot.hosts().stream().filter(h -> carries(h, network)).toList());
            if (address.isEmpty() || chosen.isEmpty()) {
                continue;
            }
            dhcpHosts.put(network.id(), chosen.get());
            HostParts there = parts.get(chosen.get());
            there.networks.add(network.id());
            PlanSubnet addressSubnet = subnets.get(address.get().subnetId());
            List<DhcpService.DhcpHost> leases = snapshot.ports().stream()
                    .filter(p -> p.networkId().equals(network.id()) && !OWNER_DHCP.equals(p.deviceOwner()))
                    .flatMap(p -> p.fixedIps().stream()
                            .filter(ip -> served.stream().anyMatch(s -> s.id().equals(ip.subnetId())))
                            .map(ip -> new DhcpService.DhcpHost(p.mac(), ip.ip(), "host-" + ip.ip().replace('.', '-'))))
                    .sorted(Comparator.comparing(DhcpService.DhcpHost::ip, OverlayPlan::compareIps)).toList();
            List<DhcpService.DhcpSubnet> dhcpSubnets = served.stream()
                    .map(s -> new DhcpService.DhcpSubnet(s.id(), s.cidr(), s.gatewayIp(),
                            s.dnsNameservers().isEmpty() ? List.of() : s.dnsNameservers(), LEASE_SECONDS)).toList();
            there.dhcp.add(new DhcpService(network.id(), "qdhcp-" + network.id(), network.bridge(), tap(dhcpPort.id()),
                    dhcpPort.mac(), address.get().ip() + "/" + addressSubnet.prefixLength(), network.mtu(), dhcpSubnets, leases));
        }

        // routers: one host each, one that carries the external bridge when there is a gateway
        Map<String, String> routerHosts = new TreeMap<>();
        for (PlanRouter router : snapshot.routers()) {
            if (!router.adminStateUp()) {
                continue;
            }
            List<PlanPort> interfaces = snapshot.ports().stream()
                    .filter(p -> OWNER_ROUTER_INTERFACE.equals(p.deviceOwner()) && router.id().equals(p.deviceId()))
                    .sorted(Comparator.comparing(PlanPort::id)).toList();
            Optional<PlanPort> gatewayPort = snapshot.ports().stream()
                    .filter(p -> OWNER_ROUTER_GATEWAY.equals(p.deviceOwner()) && router.id().equals(p.deviceId())).findFirst();
            List<PlanNetwork> needed = new ArrayList<>();
            interfaces.forEach(p -> Optional.ofNullable(networks.get(p.networkId())).ifPresent(needed::add));
            gatewayPort.flatMap(p -> Optional.ofNullable(networks.get(p.networkId()))).ifPresent(needed::add);
            if (interfaces.isEmpty() && gatewayPort.isEmpty()) {
                continue;
            }
            List<PlanHost> able = snapshot.hosts().stream().filter(h -> needed.stream().allMatch(n -> carries(h, n))).toList();
            Optional<String> chosen = choose(router.id(), able);
            if (chosen.isEmpty()) {
                continue;
            }
            routerHosts.put(router.id(), chosen.get());
            HostParts there = parts.get(chosen.get());
            List<OverlayRouter.RouterInterface> devices = new ArrayList<>();
            for (PlanPort port : interfaces) {
                PlanNetwork network = networks.get(port.networkId());
                address(port, subnets).ifPresent(address -> {
                    there.networks.add(network.id());
                    devices.add(new OverlayRouter.RouterInterface("qr-" + port.id().substring(0, 11), network.bridge(), port.mac(),
                            address, network.mtu()));
                });
            }
            OverlayRouter.RouterGateway gateway = gatewayPort.flatMap(port -> {
                PlanNetwork network = networks.get(port.networkId());
                return address(port, subnets).map(address -> {
                    there.networks.add(network.id());
                    String nextHop = port.fixedIps().stream().map(ip -> subnets.get(ip.subnetId()))
                            .filter(s -> s != null && s.gatewayIp() != null).map(PlanSubnet::gatewayIp).findFirst().orElse(null);
                    return new OverlayRouter.RouterGateway("qg-" + port.id().substring(0, 11), network.bridge(), port.mac(),
                            address, nextHop, router.snat(), network.mtu());
                });
            }).orElse(null);
            List<OverlayRouter.FloatingIpMapping> floating = gateway == null ? List.of() : snapshot.floatingIps().stream()
                    .filter(f -> router.id().equals(f.routerId()) && f.portId() != null && f.fixedIp() != null)
                    .sorted(Comparator.comparing(PlanFloatingIp::address, OverlayPlan::compareIps))
                    .map(f -> new OverlayRouter.FloatingIpMapping(f.address(), f.fixedIp())).toList();
            there.routers.add(new OverlayRouter(router.id(), "qrouter-" + router.id(), devices, gateway, floating));
        }

        // segments: each VXLAN network on the hosts that have something of it, the others as peers
        Map<String, Set<String>> carriers = new HashMap<>();
        parts.forEach((hostId, there) -> there.networks.forEach(n -> carriers.computeIfAbsent(n, k -> new TreeSet<>()).add(hostId)));
        Map<String, List<String>> members = groupMembers(snapshot.ports());
        Map<String, OverlayState> states = new LinkedHashMap<>();
        for (String hostId : hostIds) {
            HostParts there = parts.get(hostId);
            PlanHost host = hosts.get(hostId);
            List<OverlaySegment> segments = there.networks.stream().map(networks::get)
                    .filter(n -> TYPE_VXLAN.equals(n.type())).sorted(Comparator.comparing(PlanNetwork::id))
                    .map(n -> new OverlaySegment(n.id(), n.vni(), n.bridge(), n.mtu(), carriers.get(n.id()).stream()
                            .filter(other -> !other.equals(hostId)).map(other -> hosts.get(other).vtepIp()).sorted().toList()))
                    .toList();
            List<PortFilter> filters = there.ports.stream().sorted(Comparator.comparing(PlanPort::id))
                    .map(port -> filter(port, snapshot.rules(), members)).toList();
            states.put(hostId, new OverlayState(host.vtepIp(), segments, there.dhcp, there.routers, filters));
        }
        return new Result(states, dhcpHosts, routerHosts);
    }

    private static final class HostParts {
        final Set<String> networks = new LinkedHashSet<>();
        final List<PlanPort> ports = new ArrayList<>();
        final List<DhcpService> dhcp = new ArrayList<>();
        final List<OverlayRouter> routers = new ArrayList<>();
    }

    /** A VXLAN network goes anywhere; a flat one only where its host network's bridge is. */
    private static boolean carries(PlanHost host, PlanNetwork network) {
        return host != null && (TYPE_VXLAN.equals(network.type()) || host.bridges().contains(network.physicalBridge()));
    }

    /** The port's first address with its subnet's prefix length, e.g. 10.0.0.1/24. */
    private static Optional<String> address(PlanPort port, Map<String, PlanSubnet> subnets) {
        return port.fixedIps().stream().filter(ip -> subnets.containsKey(ip.subnetId())).findFirst()
                .map(ip -> ip.ip() + "/" + subnets.get(ip.subnetId()).prefixLength());
    }

    /** The addresses of each security group's ports, as /32 prefixes (a remote group's members). */
    private static Map<String, List<String>> groupMembers(List<PlanPort> ports) {
        Map<String, Set<String>> members = new HashMap<>();
        for (PlanPort port : ports) {
            for (String group : port.securityGroupIds()) {
                port.fixedIps().forEach(ip -> members.computeIfAbsent(group, k -> new TreeSet<>(OverlayPlan::compareIps)).add(ip.ip()));
            }
        }
        Map<String, List<String>> prefixes = new HashMap<>();
        members.forEach((group, ips) -> prefixes.put(group, ips.stream().map(ip -> ip + "/32").toList()));
        return prefixes;
    }

    private static PortFilter filter(PlanPort port, List<PlanRule> rules, Map<String, List<String>> members) {
        List<PortFilter.FilterRule> allowed = new ArrayList<>();
        if (port.portSecurity()) {
            for (PlanRule rule : rules) {
                if (!port.securityGroupIds().contains(rule.groupId()) || !"IPv4".equals(rule.ethertype())) {
                    continue;
                }
                List<String> remote = rule.remoteGroupId() != null ? members.getOrDefault(rule.remoteGroupId(), List.of())
                        : rule.remoteIpPrefix() != null ? List.of(rule.remoteIpPrefix()) : null;
                PortFilter.FilterRule filterRule = new PortFilter.FilterRule(rule.direction(), rule.protocol(), rule.portMin(),
                        rule.portMax(), remote);
                if (!allowed.contains(filterRule)) {
                    allowed.add(filterRule);
                }
            }
        }
        return new PortFilter(port.id(), tap(port.id()), port.mac(), port.fixedIps().stream().map(PlanFixedIp::ip).toList(),
                port.portSecurity(), allowed);
    }

    /** Rendezvous hashing: the host with the highest hash of (object, host); none when no host can take it. */
    static Optional<String> choose(String objectId, Collection<PlanHost> candidates) {
        return candidates.stream().max(Comparator.comparing((PlanHost h) -> weight(objectId, h.id())).thenComparing(PlanHost::id))
                .map(PlanHost::id);
    }

    private static long weight(String objectId, String hostId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((objectId + "/" + hostId).getBytes(StandardCharsets.UTF_8));
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (digest[i] & 0xff);
            }
            return value;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int compareIps(String a, String b) {
        return Long.compare(ipValue(a), ipValue(b));
    }

    private static long ipValue(String ip) {
        long value = 0;
        for (String part : ip.split("\\.")) {
            value = (value << 8) | Long.parseLong(part);
        }
        return value;
    }

    private static <T> Map<String, T> index(List<T> items, java.util.function.Function<T, String> id) {
        Map<String, T> map = new HashMap<>();
        items.forEach(item -> map.put(id.apply(item), item));
        return map;
    }
}
