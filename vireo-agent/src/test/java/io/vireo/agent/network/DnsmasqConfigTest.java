package io.vireo.agent.network;

import io.vireo.model.rpc.DhcpService;
import io.vireo.model.rpc.DhcpService.DhcpHost;
import io.vireo.model.rpc.DhcpService.DhcpSubnet;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DnsmasqConfigTest {
    private static final DnsmasqConfig.Files FILES = new DnsmasqConfig.Files(Path.of("/run/vireo-agent/overlay/qdhcp-n1"));

    private static DhcpService dhcp(List<DhcpSubnet> subnets, List<DhcpHost> hosts) {
        return new DhcpService("n1", "qdhcp-n1", "brqn1", "tap0123456789a", "fa:16:3e:00:00:02", "10.0.0.2/24", 1450, subnets, hosts);
    }

    @Test
    void servesOnlyTheFixedAddressesWithTheSubnetsOptions() {
        String config = DnsmasqConfig.config(dhcp(List.of(new DhcpSubnet("s1", "10.0.0.0/24", "10.0.0.1", List.of(), 86400),
                new DhcpSubnet("s2", "10.1.0.0/16", null, List.of("192.0.2.53", "192.0.2.54"), 600)), List.of()), FILES);

        assertThat(config.lines().filter(line -> !line.startsWith("#")).toList()).containsExactly(
                "no-resolv", "no-hosts", "no-poll", "bind-interfaces", "except-interface=lo", "interface=tap0123456789a",
                "dhcp-authoritative",
                "pid-file=/run/vireo-agent/overlay/qdhcp-n1/dnsmasq.pid",
                "dhcp-leasefile=/run/vireo-agent/overlay/qdhcp-n1/leases",
                "dhcp-hostsfile=/run/vireo-agent/overlay/qdhcp-n1/hosts",
                "addn-hosts=/run/vireo-agent/overlay/qdhcp-n1/names",
                "log-facility=/run/vireo-agent/overlay/qdhcp-n1/dnsmasq.log",
                "dhcp-range=set:subnet0,10.0.0.0,static,255.255.255.0,86400s",
                "dhcp-option=tag:subnet0,option:router,10.0.0.1",
                "dhcp-option=tag:subnet0,option:dns-server,10.0.0.2",
                "dhcp-option=tag:subnet0,option:mtu,1450",
                "dhcp-range=set:subnet1,10.1.0.0,static,255.255.0.0,600s",
                "dhcp-option=tag:subnet1,option:router",
                "dhcp-option=tag:subnet1,option:dns-server,192.0.2.53,192.0.2.54",
                "dhcp-option=tag:subnet1,option:mtu,1450");
        assertThat(config).doesNotContain("dhcp-range=10.").as("no dynamic range");
    }

    @Test
    void hostsAreSortedSoTheSamePortsGiveTheSameText() {
        List<DhcpHost> hosts = List.of(new DhcpHost("FA:16:3E:00:00:12", "10.0.0.12", "web"), new DhcpHost("fa:16:3e:00:00:11", "10.0.0.11", null));

        assertThat(DnsmasqConfig.hosts(hosts)).isEqualTo("fa:16:3e:00:00:11,10.0.0.11\nfa:16:3e:00:00:12,10.0.0.12,web\n")
                .isEqualTo(DnsmasqConfig.hosts(hosts.reversed()));
        assertThat(DnsmasqConfig.names(hosts)).isEqualTo("10.0.0.12 web\n");
    }

    @Test
    void refusesWhatDnsmasqCouldNotServe() {
        assertThat(DnsmasqConfig.problem(dhcp(List.of(), List.of()))).contains("the DHCP service of network n1 has no subnet");
        assertThat(DnsmasqConfig.problem(dhcp(List.of(new DhcpSubnet("s1", "10.0.0.0/33", null, List.of(), 600)), List.of())))
                .contains("subnet s1: '10.0.0.0/33' is not an IPv4 CIDR");
        assertThat(DnsmasqConfig.problem(dhcp(List.of(new DhcpSubnet("s1", "10.0.0.0/24", null, List.of(), 60)), List.of())))
                .contains("subnet s1: a lease of 60 s is shorter than dnsmasq's least, 120 s");
        assertThat(DnsmasqConfig.problem(dhcp(List.of(new DhcpSubnet("s1", "10.0.0.0/24", null, List.of(), 600)),
                List.of(new DhcpHost("fa:16:3e:00:00:11", "10.0.0.11", "a b\ndhcp-script=/bin/sh"))))).get().asString()
                .contains("is not a DNS label");
        assertThat(DnsmasqConfig.problem(dhcp(List.of(new DhcpSubnet("s1", "10.0.0.0/24", null, List.of(), 600)),
                List.of(new DhcpHost("fa:16:3e:00:00:11\ndhcp-script=/x", "10.0.0.11", null))))).isPresent();
    }
}
