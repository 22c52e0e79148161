package io.vireo.engine.hosts;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DisplayAccessTest {
    private final DisplayAccess displays = DisplayAccess.defaults();

    @Test
    void onlyPortsInTheRangeAreDisplays() {
        assertThat(displays.portAllowed(5900)).isTrue();
        assertThat(displays.portAllowed(65535)).isTrue();
        assertThat(displays.portAllowed(5432)).isFalse();
        assertThat(displays.portAllowed(22)).isFalse();
        assertThat(DisplayAccess.parse("5900-5999", false).portAllowed(6000)).isFalse();
        assertThatThrownBy(() -> DisplayAccess.parse("6000-5900", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DisplayAccess.parse("5900", false)).hasMessageContaining("FIRST-LAST");
    }

    @Test
    void localAddressesAreRefusedUnlessAllInOne() throws Exception {
        assertThat(displays.refusal("127.0.0.1")).contains("a loopback address");
        assertThat(displays.refusal("::1")).contains("a loopback address");
        assertThat(displays.refusal("169.254.169.254")).contains("a link-local address");
        assertThat(displays.refusal("fe80::1")).contains("a link-local address");
        assertThat(displays.refusal("0.0.0.0")).contains("the unspecified address");
        assertThat(displays.refusal("224.0.0.1")).contains("a multicast address");
        assertThat(displays.refusal("localhost")).contains("a loopback address");
        assertThat(displays.refusal("10.231.0.1")).isEmpty();
        assertThat(displays.refusal(InetAddress.getByName("192.0.2.7"))).isEmpty();
        assertThat(new DisplayAccess(5900, 65535, true).refusal("127.0.0.1")).isEmpty();
    }
}
