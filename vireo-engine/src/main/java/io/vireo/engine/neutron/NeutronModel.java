package io.vireo.engine.neutron;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The built-in network provider's objects as the service answers them (Neutron's JSON is made from them by
 * {@link NeutronViews}). They are public: the networks package reads them through {@link NeutronService}'s
 * snapshot for the data path.
 */
public final class NeutronModel {
    /** Ports of these owners belong to the provider itself, not to a user; a network with only them may go. */
    public static final String OWNER_DHCP = "network:dhcp";
    public static final String OWNER_ROUTER_INTERFACE = "network:router_interface";
    public static final String OWNER_ROUTER_GATEWAY = "network:router_gateway";
    public static final String OWNER_FLOATING_IP = "network:floatingip";
    /** The owner of a port made for a Vireo VM's NIC; its device_id is the VM's id. */
    public static final String OWNER_VIREO_VM = "compute:vireo";
    public static final String VXLAN = "vxlan";
    public static final String FLAT = "flat";

    private NeutronModel() {
    }

    /** Neutron's standard attributes of every object. */
    public record Standard(Instant createdAt, Instant updatedAt, int revisionNumber) {
        public Standard {
            requireNonNull(createdAt, "createdAt");
            requireNonNull(updatedAt, "updatedAt");
        }
    }

    /**
     * @param networkType {@value #VXLAN} (an overlay, {@code segmentationId} its VNI) or {@value #FLAT} (a Vireo bridged
     *     network of the data center named {@code physicalNetwork})
     */
    public record Network(UUID id, UUID projectId, String name, String description, boolean adminStateUp, boolean shared,
                          boolean external, boolean portSecurityEnabled, int mtu, String networkType,
                          Optional<String> physicalNetwork, Optional<Integer> segmentationId, UUID dataCenterId,
                          List<UUID> subnetIds, Standard standard) {
        public Network {
            subnetIds = List.copyOf(subnetIds);
        }
    }

    public record AllocationPool(String start, String end) {
    }

    public record HostRoute(String destination, String nexthop) {
    }

    public record Subnet(UUID id, UUID networkId, UUID projectId, String name, String description, String cidr,
                         Optional<String> gatewayIp, List<AllocationPool> allocationPools, List<String> dnsNameservers,
                         List<HostRoute> hostRoutes, boolean enableDhcp, Standard standard) {
        public Subnet {
            allocationPools = List.copyOf(allocationPools);
            dnsNameservers = List.copyOf(dnsNameservers);
            hostRoutes = List.copyOf(hostRoutes);
        }
    }

    public record FixedIp(UUID subnetId, String ipAddress) {
    }

    /**
     * @param hostId binding:host_id, the host the data path bound the port on ("" while unbound)
     * @param status ACTIVE, DOWN, BUILD or ERROR, set by the data path
     */
    public record Port(UUID id, UUID networkId, UUID projectId, String name, String description, String macAddress,
                       boolean adminStateUp, String deviceOwner, String deviceId, boolean portSecurityEnabled,
                       String hostId, String status, List<FixedIp> fixedIps, List<UUID> securityGroups, Standard standard) {
        public Port {
            fixedIps = List.copyOf(fixedIps);
            securityGroups = List.copyOf(securityGroups);
        }
    }

    /** A router's port on a subnet (its interface) or on its external network (its gateway). */
    public record RouterPort(UUID portId, UUID networkId, UUID subnetId, String ipAddress, String macAddress) {
    }

    /**
     * @param gatewayNetworkId the external network, if the router has a gateway
     * @param gateway the gateway port's addresses
     * @param interfaces one per subnet the router joins, holding the subnet's gateway address
     */
    public record Router(UUID id, UUID projectId, String name, String description, boolean adminStateUp,
                         Optional<UUID> gatewayNetworkId, boolean enableSnat, List<RouterPort> gateway,
                         List<RouterPort> interfaces, Standard standard) {
        public Router {
            gateway = List.copyOf(gateway);
            interfaces = List.copyOf(interfaces);
        }
    }

    /**
     * @param protocol null for any, else a name (tcp, udp, icmp...) or a number
     * @param remoteIpPrefix null for any (or when {@code remoteGroupId} is set)
     */
    public record Rule(UUID id, UUID securityGroupId, UUID projectId, String direction, String ethertype, String protocol,
                       Integer portRangeMin, Integer portRangeMax, String remoteIpPrefix, UUID remoteGroupId,
                       String description, Standard standard) {
    }

    public record SecurityGroup(UUID id, UUID projectId, String name, String description, List<Rule> rules,
                                Standard standard) {
        public SecurityGroup {
            rules = List.copyOf(rules);
        }
    }

    /**
     * @param portId the port the address is translated to, with {@code fixedIpAddress}; empty when unassociated
     * @param routerId the router that translates (the one with a gateway on the floating network and an interface on the
     *     port's subnet)
     */
    public record FloatingIp(UUID id, UUID projectId, UUID floatingNetworkId, String floatingIpAddress,
                             Optional<UUID> portId, Optional<String> fixedIpAddress, Optional<UUID> routerId,
                             String description, Standard standard) {
    }
}
