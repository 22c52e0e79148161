package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * DHCP (and DNS) for one overlay network on the host that serves it: the namespace {@code namespace}
 * ("qdhcp-" + network id) with the interface {@code device} ("tap" + the first 11 characters of the
 * DHCP port's id) plugged into {@code bridge}, holding {@code address}; one dnsmasq in it that gives
 * only the fixed addresses of {@code hosts} (no dynamic range), with the subnet's gateway and DNS
 * servers as options.
 *
 * @param address the DHCP port's address with its prefix length, e.g. 10.0.0.2/24
 */
public record DhcpService(String networkId, String namespace, String bridge, String device, String mac, String address,
                          int mtu, List<DhcpSubnet> subnets, List<DhcpHost> hosts) {
    public DhcpService {
        requireNonNull(networkId, "networkId");
        requireNonNull(namespace, "namespace");
        requireNonNull(bridge, "bridge");
        requireNonNull(device, "device");
        requireNonNull(mac, "mac");
        requireNonNull(address, "address");
        subnets = subnets == null ? List.of() : List.copyOf(subnets);
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    /**
     * @param cidr e.g. 10.0.0.0/24
     * @param gatewayIp null for a subnet without a gateway (no router option)
     * @param leaseSeconds the lease time dnsmasq gives
     */
    public record DhcpSubnet(String subnetId, String cidr, String gatewayIp, List<String> dnsNameservers, int leaseSeconds) {
        public DhcpSubnet {
            requireNonNull(subnetId, "subnetId");
            requireNonNull(cidr, "cidr");
            dnsNameservers = dnsNameservers == null ? List.of() : List.copyOf(dnsNameservers);
        }
    }

    /** A port's fixed address; {@code hostname} is what DNS answers for it (may be null). */
    public record DhcpHost(String mac, String ip, String hostname) {
        public DhcpHost {
            requireNonNull(mac, "mac");
            requireNonNull(ip, "ip");
        }
    }
}
