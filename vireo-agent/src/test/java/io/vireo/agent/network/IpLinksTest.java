package io.vireo.agent.network;

import io.vireo.model.rpc.HostNic;
import io.vireo.model.rpc.NicKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IpLinksTest {
    /** Trimmed from ip -details -json addr show in a lab host with a bridged network on eth1. */
    private static final String IP_JSON = """
            [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN",
              "address":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},
             {"ifindex":2,"ifname":"eth0","link":"to-h1","flags":["BROADCAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP",
              "address":"32:9a:0e:11:22:33","linkinfo":{"info_kind":"veth"},
              "addr_info":[{"family":"inet","local":"10.231.0.1","prefixlen":24,"scope":"global"},
                           {"family":"inet6","local":"fe80::309a:eff:fe11:2233","prefixlen":64,"scope":"link"}]},
             {"ifindex":3,"ifname":"eth1","flags":["BROADCAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP","master":"vn0123456789",
              "address":"52:54:00:12:34:56","linkinfo":{"info_slave_kind":"bridge"},"addr_info":[]},
             {"ifindex":4,"ifname":"eth1.42","link":"eth1","flags":["BROADCAST","UP"],"mtu":1500,"operstate":"DOWN",
              "address":"52:54:00:12:34:56","linkinfo":{"info_kind":"vlan","info_data":{"protocol":"802.1Q","id":42}},"addr_info":[]},
             {"ifindex":5,"ifname":"vn0123456789","flags":["BROADCAST","UP","LOWER_UP"],"mtu":1500,"operstate":"UP",
              "address":"52:54:00:12:34:56","linkinfo":{"info_kind":"bridge"},"addr_info":[]},
             {"ifindex":6,"ifname":"vnet0","flags":["BROADCAST","UP"],"mtu":1500,"operstate":"UNKNOWN","master":"vn0123456789",
              "address":"fe:54:00:aa:bb:cc","linkinfo":{"info_kind":"tun","info_slave_kind":"bridge"},"addr_info":[]}]
            """;

    @Test
    void readsKindsAddressesMastersAndVlans() {
        List<HostNic> nics = IpLinks.parse(IP_JSON, name -> name.equals("eth1"));

        assertThat(nics).containsExactly(
                new HostNic("lo", "00:00:00:00:00:00", 65536, true, List.of("127.0.0.1/8"), NicKind.OTHER, null, null, null),
                new HostNic("eth0", "32:9a:0e:11:22:33", 1500, true, List.of("10.231.0.1/24"), NicKind.VETH, null, null, null),
                new HostNic("eth1", "52:54:00:12:34:56", 1500, true, List.of(), NicKind.PHYSICAL, "vn0123456789", null, null),
                new HostNic("eth1.42", "52:54:00:12:34:56", 1500, false, List.of(), NicKind.VLAN, null, 42, "eth1"),
                new HostNic("vn0123456789", "52:54:00:12:34:56", 1500, true, List.of(), NicKind.BRIDGE, null, null, null),
                new HostNic("vnet0", "fe:54:00:aa:bb:cc", 1500, true, List.of(), NicKind.OTHER, "vn0123456789", null, null));
    }
}
