package io.vireo.engine.networks;

import io.vireo.engine.hosts.HostService;
import io.vireo.engine.neutron.NeutronModel;
import io.vireo.engine.neutron.NeutronService;
import io.vireo.model.Host;
import io.vireo.model.HostStatus;
import io.vireo.model.rpc.HostNic;
import io.vireo.model.rpc.NicKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Reads what {@link OverlayPlan} works on (the provider's objects, the Up hosts with their VXLAN address and
 * bridges, where VMs run and move) and writes back what the provider shows of the plan: each port's
 * binding:host_id and status. It also removes the ports of VM NICs that no longer exist (a VM removed, a
 * transaction that made a port and then did not commit), once they are {@link #ORPHAN_AFTER} old (a younger one may
 * belong to a transaction still under way).
 */
public final class OverlaySnapshots implements OverlayConvergence.Snapshots, OverlayConvergence.Bindings {
    private static final Logger log = LoggerFactory.getLogger(OverlaySnapshots.class);
    static final Duration ORPHAN_AFTER = Duration.ofSeconds(30);

    /** Where a VM runs and where it is moving to (null when not migrating). */
    public record VmLocation(UUID hostId, UUID migratingTo) {
    }

    /** The VMs that run (or are moving) somewhere, owned here and answered by the vms feature. */
    @FunctionalInterface
    public interface VmLocations {
        Map<UUID, VmLocation> all();
    }

    private final NeutronService provider;
    private final NetworkService networks;
    private final HostService hosts;
    private final VmLocations locations;
    private final Clock clock;
    /** What the last round read (the timer's thread reads, plans and records in turn): recorded without reading again. */
    private NeutronService.Snapshot lastProvider;
    private Map<UUID, VmLocation> lastLocations = Map.of();

    public OverlaySnapshots(NeutronService provider, NetworkService networks, HostService hosts, VmLocations locations, Clock clock) {
        this.provider = requireNonNull(provider, "provider");
        this.networks = requireNonNull(networks, "networks");
        this.hosts = requireNonNull(hosts, "hosts");
        this.locations = requireNonNull(locations, "locations");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public OverlayPlan.Snapshot read(OverlayConvergence.Placement extra) {
        NeutronService.Snapshot snapshot = provider.snapshot();
        Map<UUID, VmLocation> where = locations.all();
        if (extra == null) {
            lastProvider = snapshot;
            lastLocations = where;
        }
        List<OverlayPlan.PlanHost> planHosts = new ArrayList<>();
        for (Host host : hosts.withStatus(HostStatus.UP)) {
            Optional<String> vtep = vtepIp(host.address());
            if (vtep.isEmpty()) {
                log.warn("Host {} has no IPv4 address for VXLAN ({}): it carries no overlay", host.name(), host.address());
                continue;
            }
            Set<String> bridges = hosts.nics(UUID.fromString(host.id())).stream()
                    .filter(nic -> nic.kind() == NicKind.BRIDGE && nic.up()).map(HostNic::name).collect(Collectors.toSet());
            planHosts.add(new OverlayPlan.PlanHost(host.id(), vtep.get(), bridges));
        }
        Map<String, String> logicalBridges = networks.logicalBridges();
        List<OverlayPlan.PlanNetwork> planNetworks = snapshot.networks().stream().map(n -> new OverlayPlan.PlanNetwork(n.id().toString(),
                n.networkType(), n.segmentationId().orElse(0), n.mtu(),
                n.physicalNetwork().map(name -> logicalBridges.get(n.dataCenterId() + "/" + name)).orElse(null))).toList();
        List<OverlayPlan.PlanSubnet> subnets = snapshot.subnets().stream().map(s -> new OverlayPlan.PlanSubnet(s.id().toString(),
                s.networkId().toString(), s.cidr(), s.gatewayIp().orElse(null), s.dnsNameservers(), s.enableDhcp())).toList();
        List<OverlayPlan.PlanPort> ports = new ArrayList<>();
        for (NeutronModel.Port port : snapshot.ports()) {
            Set<String> on = new HashSet<>();
            if (port.deviceOwner().equals(NeutronModel.OWNER_VIREO_VM)) {
                UUID vmId = parse(port.deviceId());
                VmLocation location = vmId == null ? null : where.get(vmId);
                if (location != null) {
                    on.add(location.hostId().toString());
                    if (location.migratingTo() != null) {
                        on.add(location.migratingTo().toString());
                    }
                }
                if (extra != null && extra.vmId().equals(vmId)) {
                    on.add(extra.hostId().toString());
                }
            }
            ports.add(new OverlayPlan.PlanPort(port.id().toString(), port.networkId().toString(), port.macAddress(),
                    port.fixedIps().stream().map(ip -> new OverlayPlan.PlanFixedIp(ip.subnetId().toString(), ip.ipAddress())).toList(),
                    port.deviceOwner(), port.deviceId(), port.portSecurityEnabled() && port.adminStateUp(),
                    port.securityGroups().stream().map(UUID::toString).toList(), on));
        }
        List<OverlayPlan.PlanRouter> routers = snapshot.routers().stream()
                .map(r -> new OverlayPlan.PlanRouter(r.id().toString(), r.adminStateUp(), r.enableSnat())).toList();
        List<OverlayPlan.PlanRule> rules = snapshot.securityGroups().stream().flatMap(g -> g.rules().stream())
                .map(r -> new OverlayPlan.PlanRule(r.securityGroupId().toString(), r.direction(), r.ethertype(), r.protocol(),
                        r.portRangeMin(), r.portRangeMax(), r.remoteIpPrefix(),
                        r.remoteGroupId() == null ? null : r.remoteGroupId().toString())).toList();
        List<OverlayPlan.PlanFloatingIp> floating = snapshot.floatingIps().stream()
                .map(f -> new OverlayPlan.PlanFloatingIp(f.floatingIpAddress(), f.portId().map(UUID::toString).orElse(null),
                        f.fixedIpAddress().orElse(null), f.routerId().map(UUID::toString).orElse(null))).toList();
        return new OverlayPlan.Snapshot(planHosts, planNetworks, subnets, ports, routers, rules, floating);
    }

    @Override
    public void record(OverlayPlan.Snapshot snapshot, OverlayPlan.Result result) {
        // the provider's objects and VM locations the round planned from, read once by read(null) just before
        NeutronService.Snapshot current = lastProvider;
        if (current == null) {
            return;
        }
        Set<UUID> held = networks.portsOfNics();
        Map<String, String> vmHosts = new HashMap<>();
        lastLocations.forEach((vm, location) -> vmHosts.put(vm.toString(), location.hostId().toString()));
        for (NeutronModel.Port port : current.ports()) {
            String host = switch (port.deviceOwner()) {
                case NeutronModel.OWNER_VIREO_VM -> vmHosts.getOrDefault(port.deviceId(), "");
                case NeutronModel.OWNER_DHCP -> result.dhcpHosts().getOrDefault(port.networkId().toString(), "");
                case NeutronModel.OWNER_ROUTER_INTERFACE, NeutronModel.OWNER_ROUTER_GATEWAY ->
                        result.routerHosts().getOrDefault(port.deviceId(), "");
                default -> "";
            };
            if (port.deviceOwner().equals(NeutronModel.OWNER_VIREO_VM) && !held.contains(port.id())
                    && Duration.between(port.standard().createdAt(), clock.instant()).compareTo(ORPHAN_AFTER) > 0) {
                log.info("Removing port {} of a VM NIC that no longer exists (device {})", port.id(), port.deviceId());
                provider.deleteVmPort(port.id());
                continue;
            }
            String status = host.isEmpty() ? "DOWN" : "ACTIVE";
            if (!host.equals(port.hostId()) || !status.equals(port.status())) {
                provider.setBinding(port.id(), host, status);
            }
        }
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The host's address as an IPv4 address (a name is resolved). */
    static Optional<String> vtepIp(String address) {
        try {
            for (InetAddress candidate : InetAddress.getAllByName(address)) {
                if (candidate instanceof java.net.Inet4Address) {
                    return Optional.of(candidate.getHostAddress());
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
