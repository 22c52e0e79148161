package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.VmNicSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveNicsTest {
    /** Abridged from a running domain's XML as libvirt 9 shows it. */
    private static final String LIVE = """
            <domain type='kvm' id='7'>
              <devices>
                <interface type='bridge'>
                  <mac address='56:6f:00:00:00:01'/>
                  <source bridge='vn0123456789'/>
                  <target dev='vnet3'/>
                  <model type='virtio'/>
                  <link state='up'/>
                  <alias name='net0'/>
                  <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
                </interface>
                <interface type='bridge'>
                  <mac address='56:6f:00:00:00:02'/>
                  <source bridge='vn0123456789'/>
                  <target dev='vnet4'/>
                  <model type='virtio'/>
                  <link state='down'/>
                  <alias name='net1'/>
                </interface>
                <interface type='bridge'>
                  <mac address='56:6f:00:00:00:03'/>
                  <source bridge='vnabcdef0123'/>
                  <alias name='net2'/>
                </interface>
              </devices>
            </domain>""";

    @Test
    void aNicIsFoundByItsMacWithTheAliasAndAddressLibvirtGaveIt() {
        String device = LiveNics.interfaceWithMac(LIVE, "56:6F:00:00:00:01").orElseThrow();
        assertThat(device).contains("<alias name=\"net0\"/>").contains("slot=\"0x03\"").doesNotContain("net1");
        assertThat(LiveNics.interfaceWithMac(LIVE, "56:6f:00:00:00:09")).isEmpty();
    }

    @Test
    void theLinkStateIsReadAndSetOnTheOneNic() {
        assertThat(LiveNics.linkUp(LIVE, "56:6f:00:00:00:01")).contains(true);
        assertThat(LiveNics.linkUp(LIVE, "56:6f:00:00:00:02")).contains(false);
        assertThat(LiveNics.linkUp(LIVE, "56:6f:00:00:00:03")).as("no link element: up").contains(true);
        assertThat(LiveNics.linkUp(LIVE, "56:6f:00:00:00:09")).isEmpty();

        String down = LiveNics.withLinkState(LIVE, "56:6f:00:00:00:01", false).orElseThrow();
        assertThat(down).contains("<link state=\"down\"/>").contains("<alias name=\"net0\"/>");
        String up = LiveNics.withLinkState(LIVE, "56:6f:00:00:00:03", true).orElseThrow();
        assertThat(up).contains("<link state=\"up\"/>").contains("<alias name=\"net2\"/>");
    }

    @Test
    void aPluggedNicIsTheSameElementAStartedDomainGets() {
        String xml = DomainXml.interfaceXml(new VmNicSpec("56:6f:00:00:00:05", "vn0123456789", "virtio", 1400, false, null));
        assertThat(xml).startsWith("<interface type=\"bridge\">").contains("<source bridge=\"vn0123456789\"/>")
                .contains("<mac address=\"56:6f:00:00:00:05\"/>").contains("<mtu size=\"1400\"/>").contains("<link state=\"down\"/>");
        assertThatThrownBy(() -> DomainXml.interfaceXml(new VmNicSpec("57:6f:00:00:00:05", "vn0123456789", "virtio", 1500, true, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unicast");
        assertThatThrownBy(() -> DomainXml.interfaceXml(new VmNicSpec("56:6f:00:00:00:05", "vn0/../x", "virtio", 1500, true, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bridge");
    }
}
