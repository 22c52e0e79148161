package io.vireo.agent.network;

import io.vireo.model.rpc.DhcpService;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files of one network's dnsmasq, as text: its configuration (fixed addresses only: a static range
 * per subnet, the subnet's router, DNS servers and MTU as options), the hosts file of the ports' MACs and
 * addresses (re-read on SIGHUP) and the names DNS answers. A change of the hosts is a reload; a change of
 * the configuration is a restart.
 */
public final class DnsmasqConfig {
    private DnsmasqConfig() {
    }

    /** Where one network's files live under the agent's run directory. */
    public record Files(Path directory) {
        public Path config() {
            return directory.resolve("dnsmasq.conf");
        }

        public Path hosts() {
            return directory.resolve("hosts");
        }

        public Path names() {
            return directory.resolve("names");
        }

        public Path leases() {
            return directory.resolve("leases");
        }

        public Path pid() {
            return directory.resolve("dnsmasq.pid");
        }

        public Path log() {
            return directory.resolve("dnsmasq.log");
        }
    }

    /** Why dnsmasq cannot serve this, if it cannot; checks only. */
    static Optional<String> problem(DhcpService dhcp) {
        if (dhcp.subnets().isEmpty()) {
            return Optional.of("the DHCP service of network " + dhcp.networkId() + " has no subnet");
        }
        for (DhcpService.DhcpSubnet subnet : dhcp.subnets()) {
            if (!OverlayNames.isCidr(subnet.cidr())) {
                return Optional.of("subnet " + subnet.subnetId() + ": '" + subnet.cidr() + "' is not an IPv4 CIDR");
            }
            if (subnet.gatewayIp() != null && !OverlayNames.isIpv4(subnet.gatewayIp())) {
                return Optional.of("subnet " + subnet.subnetId() + ": gateway '" + subnet.gatewayIp() + "' is not an IPv4 address");
            }
            for (String server : subnet.dnsNameservers()) {
                if (!OverlayNames.isIpv4(server)) {
                    return Optional.of("subnet " + subnet.subnetId() + ": DNS server '" + server + "' is not an IPv4 address");
                }
            }
            if (subnet.leaseSeconds() < 120) {
                return Optional.of("subnet " + subnet.subnetId() + ": a lease of " + subnet.leaseSeconds()
                        + " s is shorter than dnsmasq's least, 120 s");
            }
        }
        for (DhcpService.DhcpHost host : dhcp.hosts()) {
            if (!OverlayNames.isMac(host.mac()) || !OverlayNames.isIpv4(host.ip())) {
                return Optional.of("host entry " + host.mac() + " " + host.ip() + " is not a MAC and an IPv4 address");
            }
            if (host.hostname() != null && !host.hostname().matches("[A-Za-z0-9]([A-Za-z0-9-]{0,62})")) {
                return Optional.of("host name '" + host.hostname() + "' is not a DNS label");
            }
        }
        return Optional.empty();
    }

    static String config(DhcpService dhcp, Files files) {
        StringBuilder text = new StringBuilder();
        text.append("# dnsmasq of overlay network ").append(dhcp.networkId()).append(", written by the Vireo agent at each convergence\n");
        text.append("no-resolv\nno-hosts\nno-poll\nbind-interfaces\nexcept-interface=lo\n");
        text.append("interface=").append(dhcp.device()).append('\n');
        text.append("dhcp-authoritative\n");
        text.append("pid-file=").append(files.pid()).append('\n');
        text.append("dhcp-leasefile=").append(files.leases()).append('\n');
        text.append("dhcp-hostsfile=").append(files.hosts()).append('\n');
        text.append("addn-hosts=").append(files.names()).append('\n');
        text.append("log-facility=").append(files.log()).append('\n');
        int index = 0;
        for (DhcpService.DhcpSubnet subnet : dhcp.subnets()) {
            String tag = "subnet" + index++;
            String network = OverlayNames.address(subnet.cidr());
            String mask = OverlayNames.netmask(OverlayNames.prefixLength(subnet.cidr()));
            text.append("dhcp-range=set:").append(tag).append(',').append(network).append(",static,").append(mask).append(',')
                    .append(subnet.leaseSeconds()).append("s\n");
            // an empty router option stops dnsmasq from offering itself as the gateway
            text.append("dhcp-option=tag:").append(tag).append(",option:router")
                    .append(subnet.gatewayIp() == null ? "" : "," + subnet.gatewayIp()).append('\n');
            String dns = subnet.dnsNameservers().isEmpty() ? OverlayNames.address(dhcp.address())
                    : String.join(",", subnet.dnsNameservers());
            text.append("dhcp-option=tag:").append(tag).append(",option:dns-server,").append(dns).append('\n');
            text.append("dhcp-option=tag:").append(tag).append(",option:mtu,").append(dhcp.mtu()).append('\n');
        }
        return text.toString();
    }

    /** dhcp-hostsfile: one "mac,ip[,name]" a line, sorted so the same ports give the same text. */
    static String hosts(List<DhcpService.DhcpHost> hosts) {
        StringBuilder text = new StringBuilder();
        hosts.stream().sorted(java.util.Comparator.comparing(host -> host.mac().toLowerCase(java.util.Locale.ROOT))).forEach(host -> {
            text.append(host.mac().toLowerCase(java.util.Locale.ROOT)).append(',').append(host.ip());
            if (host.hostname() != null) {
                text.append(',').append(host.hostname());
            }
            text.append('\n');
        });
        return text.toString();
    }

    /** addn-hosts: "ip name" of the ports that have a name. */
    static String names(List<DhcpService.DhcpHost> hosts) {
        StringBuilder text = new StringBuilder();
        hosts.stream().filter(host -> host.hostname() != null).sorted(java.util.Comparator.comparing(host -> host.mac().toLowerCase(java.util.Locale.ROOT)))
                .forEach(host -> text.append(host.ip()).append(' ').append(host.hostname()).append('\n'));
        return text.toString();
    }
}
