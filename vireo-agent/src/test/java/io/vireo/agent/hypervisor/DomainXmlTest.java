package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.BootFileLocation;
import io.vireo.model.rpc.DiskAttachment;
import io.vireo.model.rpc.Graphics;
import io.vireo.model.rpc.KernelBoot;
import io.vireo.model.rpc.VmNicSpec;
import io.vireo.model.rpc.VmSpec;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import java.util.UUID;

import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DomainXmlTest {
    private static final UUID SYSTEM = UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
    private static final UUID DATA = UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    private static final UUID ID = UUID.fromString("6f1c2a8e-3b7d-4e59-9a10-2c4b5d6e7f80");
    private static final DomainXml.HostSettings HOST =
            new DomainXml.HostSettings("qemu", Path.of("/var/log/vireo/console/" + ID + ".log"), Optional.of("10.231.0.1"));

    private static final String BOOT_FILES = "/srv/sd1/boot-files/";

    private static BootFileLocation boot(String name) {
        return new BootFileLocation("/srv/sd1", name);
    }

    /** Renders with the boot files where the agent would have resolved them (BootFilesTest checks the resolving). */
    private static String render(VmSpec spec, DomainXml.HostSettings host) {
        KernelBoot boot = spec.kernelBoot();
        DomainXml.BootPaths paths = boot == null ? null : new DomainXml.BootPaths(BOOT_FILES + boot.kernel().name(),
                boot.initrd() == null ? null : BOOT_FILES + boot.initrd().name(), boot.cmdline());
        return DomainXml.render(spec, paths, host);
    }

    @Test
    void kernelBootDomain() {
        VmSpec spec = new VmSpec(ID, "web1", 2, 256, List.of(), new KernelBoot(boot("vmlinuz"), boot("initrd.img"), "console=ttyS0 quiet"), Graphics.VNC);

        Document xml = DomainXml.parse(render(spec, HOST));

        assertThat(text(xml, "/domain/@type")).isEqualTo("qemu");
        assertThat(text(xml, "/domain/name")).isEqualTo("web1");
        assertThat(text(xml, "/domain/uuid")).isEqualTo(ID.toString());
        assertThat(text(xml, "/domain/memory")).isEqualTo("256");
        assertThat(text(xml, "/domain/memory/@unit")).isEqualTo("MiB");
        assertThat(text(xml, "/domain/vcpu")).isEqualTo("2");
        assertThat(text(xml, "/domain/os/type")).isEqualTo("hvm");
        assertThat(text(xml, "/domain/os/kernel")).isEqualTo(BOOT_FILES + "vmlinuz");
        assertThat(text(xml, "/domain/os/initrd")).isEqualTo(BOOT_FILES + "initrd.img");
        assertThat(text(xml, "/domain/os/cmdline")).isEqualTo("console=ttyS0 quiet");
        assertThat(text(xml, "/domain/on_poweroff")).isEqualTo("destroy");
        assertThat(text(xml, "/domain/on_reboot")).isEqualTo("restart");
        assertThat(text(xml, "/domain/on_crash")).isEqualTo("destroy");
        assertThat(text(xml, "/domain/devices/serial/@type")).isEqualTo("file");
        assertThat(text(xml, "/domain/devices/serial/source/@path")).isEqualTo(HOST.consoleLog().toString());
        assertThat(text(xml, "/domain/devices/serial/source/@append")).isEqualTo("on");
        assertThat(text(xml, "/domain/devices/console/source/@path")).isEqualTo(HOST.consoleLog().toString());
        assertThat(text(xml, "/domain/devices/graphics/@type")).isEqualTo("vnc");
        assertThat(text(xml, "/domain/devices/graphics/@autoport")).isEqualTo("yes");
        assertThat(text(xml, "/domain/devices/graphics/listen/@address")).isEqualTo("10.231.0.1");
        assertThat(text(xml, "/domain/devices/memballoon/@model")).isEqualTo("virtio");
        assertThat(text(xml, "/domain/devices/rng/@model")).isEqualTo("virtio");
        assertThat(xml.getElementsByTagName("cpu").getLength()).isZero();
    }

    @Test
    void marksTheDomainAsVireos() {
        VmSpec spec = new VmSpec(ID, "web1", 1, 128, List.of(), null, Graphics.NONE);

        String xml = render(spec, HOST);

        assertThat(xml).contains("xmlns:vireo=\"" + DomainXml.VIREO_NAMESPACE + "\"");
        assertThat(DomainXml.vireoVmId(xml)).contains(ID.toString());
    }

    @Test
    void diskBootFollowsTheBootOrder() {
        VmSpec spec = new VmSpec(ID, "db1", 1, 512, List.of(
                new DiskAttachment(DATA, "/images/data.raw", "raw", "vdb", 0),
                new DiskAttachment(SYSTEM, "/images/system.qcow2", "qcow2", "vda", 1)), null, Graphics.SPICE);

        Document xml = DomainXml.parse(render(spec, HOST));

        assertThat(xml.getElementsByTagName("kernel").getLength()).isZero();
        assertThat(text(xml, "/domain/devices/disk[target/@dev='vda']/boot/@order")).isEqualTo("1");
        assertThat(nodes(xml, "/domain/devices/disk[target/@dev='vdb']/boot").getLength()).isZero();
        assertThat(text(xml, "/domain/devices/disk[target/@dev='vda']/driver/@type")).isEqualTo("qcow2");
        assertThat(text(xml, "/domain/devices/disk[target/@dev='vdb']/driver/@type")).isEqualTo("raw");
        assertThat(text(xml, "/domain/devices/disk[target/@dev='vda']/driver/@cache")).isEqualTo("none");
        assertThat(text(xml, "/domain/devices/disk[target/@dev='vda']/target/@bus")).isEqualTo("virtio");
        assertThat(text(xml, "/domain/devices/disk[target/@dev='vda']/source/@file")).isEqualTo("/images/system.qcow2");
        assertThat(text(xml, "/domain/devices/graphics/@type")).isEqualTo("spice");
    }

    @Test
    void theDiskIdsFirstTwentyCharactersAreTheSerial() {
        assertThat(DomainXml.diskSerial(UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427"))).isEqualTo("1b4e28ba-2fa1-11d2-8");
    }

    @Test
    void firstDiskBootsWhenNoneHasABootOrder() {
        VmSpec spec = new VmSpec(ID, "db1", 1, 512, List.of(
                new DiskAttachment(SYSTEM, "/images/system.qcow2", "qcow2", "vda", 0),
                new DiskAttachment(DATA, "/images/data.qcow2", "qcow2", "vdb", 0)), null, Graphics.NONE);

        Document xml = DomainXml.parse(render(spec, HOST));

        assertThat(text(xml, "/domain/devices/disk[target/@dev='vda']/boot/@order")).isEqualTo("1");
        assertThat(nodes(xml, "/domain/devices/disk[target/@dev='vdb']/boot").getLength()).isZero();
        assertThat(nodes(xml, "/domain/devices/graphics").getLength()).isZero();
    }

    @Test
    void kernelBootIgnoresDiskBootOrder() {
        VmSpec spec = new VmSpec(ID, "k1", 1, 128, List.of(new DiskAttachment(SYSTEM, "/images/system.qcow2", "qcow2", "vda", 1)),
                new KernelBoot(boot("vmlinuz"), null, null), Graphics.NONE);

        Document xml = DomainXml.parse(render(spec, HOST));

        assertThat(text(xml, "/domain/os/kernel")).isEqualTo(BOOT_FILES + "vmlinuz");
        assertThat(xml.getElementsByTagName("initrd").getLength()).isZero();
        assertThat(xml.getElementsByTagName("cmdline").getLength()).isZero();
        assertThat(xml.getElementsByTagName("boot").getLength()).isZero();
    }

    @Test
    void usesTheCacheModeTheHostChose() {
        DomainXml.HostSettings buffered = new DomainXml.HostSettings("kvm", HOST.consoleLog(), Optional.of("127.0.0.1"), disk -> "writeback");
        VmSpec spec = new VmSpec(ID, "db1", 1, 512, List.of(new DiskAttachment(SYSTEM, "/images/system.qcow2", "qcow2", "vda", 1)), null, Graphics.VNC);

        Document xml = DomainXml.parse(render(spec, buffered));

        assertThat(text(xml, "/domain/devices/disk/driver/@cache")).isEqualTo("writeback");
        assertThat(text(xml, "/domain/devices/disk/driver/@io")).isEmpty();
        assertThat(text(xml, "/domain/@type")).isEqualTo("kvm");
        assertThat(text(xml, "/domain/cpu/@mode")).isEqualTo("host-model");
    }

    @Test
    void escapesHostileStrings() {
        String name = "evil\"><devices><disk type='block'>&amp;<name>";
        String cmdline = "a</cmdline></os><devices><disk type='block'><source dev='/dev/sda'/></disk></devices><os><cmdline>";
        VmSpec spec = new VmSpec(ID, name, 1, 128, List.of(), new KernelBoot(boot("vm<linuz>"), null, cmdline), Graphics.NONE);

        String rendered = render(spec, HOST);
        Document xml = DomainXml.parse(rendered);

        assertThat(text(xml, "/domain/name")).isEqualTo(name);
        assertThat(text(xml, "/domain/os/kernel")).isEqualTo(BOOT_FILES + "vm<linuz>");
        assertThat(text(xml, "/domain/os/cmdline")).isEqualTo(cmdline);
        assertThat(xml.getElementsByTagName("disk").getLength()).isZero();
        assertThat(rendered).doesNotContain("<disk");
    }

    @Test
    void refusesWhatLibvirtCouldNotTake() {
        assertThatThrownBy(() -> render(new VmSpec(ID, "a/b", 1, 128, List.of(), null, Graphics.NONE), HOST))
                .hasMessageContaining("name");
        assertThatThrownBy(() -> render(new VmSpec(ID, "bell\u0007", 1, 128, List.of(), null, Graphics.NONE), HOST))
                .hasMessageContaining("control character");
        assertThatThrownBy(() -> render(new VmSpec(ID, "x", 1, 128,
                List.of(new DiskAttachment(SYSTEM, "/images/d.vmdk", "vmdk", "vda", 1)), null, Graphics.NONE), HOST))
                .hasMessageContaining("format");
        assertThatThrownBy(() -> render(new VmSpec(ID, "x", 1, 128,
                List.of(new DiskAttachment(SYSTEM, "images/d.raw", "raw", "vda", 1)), null, Graphics.NONE), HOST))
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> render(new VmSpec(ID, "x", 1, 128, List.of(), null, Graphics.NONE),
                new DomainXml.HostSettings("xen", HOST.consoleLog(), Optional.of("10.231.0.1"))))
                .hasMessageContaining("domain type");
    }

    @Test
    void neverListensOnEveryAddress() {
        VmSpec spec = new VmSpec(ID, "web1", 1, 128, List.of(), null, Graphics.VNC);
        for (String everywhere : List.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", " 0.0.0.0 ", "0")) {
            assertThatThrownBy(() -> render(spec, new DomainXml.HostSettings("qemu", HOST.consoleLog(),
                    Optional.of(everywhere)))).as(everywhere).hasMessageContaining("management address");
        }
        assertThat(DomainXml.unspecifiedAddress("10.231.0.1")).isFalse();
        assertThat(DomainXml.unspecifiedAddress("host1.example")).isFalse();
    }

    @Test
    void withoutAnAddressTheDisplayListensWhereQemuConfSays() {
        // libvirt fills in qemu.conf's vnc_listen and leaves it out of a migrating domain's XML
        Document xml = DomainXml.parse(render(new VmSpec(ID, "web1", 1, 128, List.of(), null, Graphics.VNC),
                new DomainXml.HostSettings("qemu", HOST.consoleLog(), Optional.empty())));

        assertThat(text(xml, "/domain/devices/graphics/listen/@type")).isEqualTo("address");
        assertThat(xml.getElementsByTagName("listen").item(0).getAttributes().getNamedItem("address")).isNull();
    }

    @Test
    void aSpiceDisplayTakesTlsOnly() {
        Document xml = DomainXml.parse(render(new VmSpec(ID, "desk", 1, 128, List.of(), null, Graphics.SPICE), HOST));

        assertThat(text(xml, "/domain/devices/graphics/@type")).isEqualTo("spice");
        assertThat(text(xml, "/domain/devices/graphics/@defaultMode")).isEqualTo("secure");
        assertThat(text(xml, "/domain/devices/graphics/listen/@address")).isEqualTo("10.231.0.1");
    }

    @Test
    void readsTheTlsPortOfASpiceDisplay() {
        String running = """
                <domain type='qemu' id='5'>
                  <devices>
                    <graphics type='spice' tlsPort='5904' autoport='yes' defaultMode='secure' listen='10.231.0.1'>
                      <listen type='address' address='10.231.0.1'/>
                    </graphics>
                  </devices>
                </domain>""";

        assertThat(LiveDisplays.displayTlsPort(running)).isEqualTo(5904);
        assertThat(LiveDisplays.displayPort(running)).as("no plain port").isEqualTo(-1);
        assertThat(LiveDisplays.displayTlsPort("<domain><devices><graphics type='vnc' port='5900'/></devices></domain>")).isEqualTo(-1);
    }

    @Test
    void readsTheVncPortOfARunningDomainBeforeASpiceOne() {
        String running = """
                <domain type='qemu' id='3'>
                  <name>web1</name>
                  <devices>
                    <graphics type='spice' port='5901' autoport='yes'/>
                    <graphics type='vnc' port='5902' autoport='yes' listen='0.0.0.0'>
                      <listen type='address' address='0.0.0.0'/>
                    </graphics>
                  </devices>
                </domain>""";

        assertThat(LiveDisplays.displayPort(running)).isEqualTo(5902);
        assertThat(DomainXml.vireoVmId(running)).isEmpty();
    }

    @Test
    void readsTheSpicePortOfADomainWithoutVnc() {
        String running = """
                <domain type='qemu' id='4'>
                  <devices>
                    <graphics type='spice' port='5903' autoport='yes' listen='10.231.0.1'>
                      <listen type='address' address='10.231.0.1'/>
                    </graphics>
                  </devices>
                </domain>""";

        assertThat(LiveDisplays.displayPort(running)).isEqualTo(5903);
    }

    @Test
    void noDisplayPortWithoutGraphicsOrBeforeOneIsAllocated() {
        assertThat(LiveDisplays.displayPort("<domain><devices/></domain>")).isEqualTo(-1);
        assertThat(LiveDisplays.displayPort("<domain><devices><graphics type='vnc' port='-1' autoport='yes'/></devices></domain>")).isEqualTo(-1);
        assertThat(LiveDisplays.displayPort("<domain><devices><graphics type='spice' autoport='yes'/></devices></domain>")).isEqualTo(-1);
    }

    @Test
    void readsTheVireoIdWhateverThePrefix() {
        String xml = "<domain><metadata><v:vm xmlns:v='" + DomainXml.VIREO_NAMESPACE + "' id='" + ID + "'/>"
                + "<other:vm xmlns:other='https://example.com/' id='not-ours'/></metadata></domain>";

        assertThat(DomainXml.vireoVmId(xml)).contains(ID.toString());
    }

    @Test
    void aPasswordForALostConsoleDropsSpiceClientsAndLeavesVncAsQemuCan() {
        String xml = "<domain><devices><graphics type='spice' port='5901' passwd='old' connected='keep'/>"
                + "<graphics type='vnc' port='5902' passwd='old'/></devices></domain>";

        List<String> dropping = LiveDisplays.graphicsWithPassword(xml, "new", "2031-01-01T00:00:00", true);
        List<String> keeping = LiveDisplays.graphicsWithPassword(xml, "new", "2031-01-01T00:00:00", false);

        assertThat(dropping.get(0)).contains("connected=\"disconnect\"").contains("passwd=\"new\"");
        assertThat(dropping.get(1)).doesNotContain("connected").contains("passwd=\"new\"");
        assertThat(keeping).allSatisfy(device -> assertThat(device).doesNotContain("connected"));
    }

    @Test
    void refusesADoctype() {
        String xml = "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain><name>&x;</name></domain>";

        assertThatThrownBy(() -> LiveDisplays.displayPort(xml)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String text(Document document, String xpath) {
        try {
            return (String) XPathFactory.newInstance().newXPath().evaluate(xpath, document, XPathConstants.STRING);
        }
        catch (XPathExpressionException e) {
            throw new AssertionError(e);
        }
    }

    private static NodeList nodes(Document document, String xpath) {
        try {
            return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, document, XPathConstants.NODESET);
        }
        catch (XPathExpressionException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void nicsAreTapsOnTheirNetworksBridges() {
        VmSpec spec = new VmSpec(ID, "web1", 1, 128, List.of(), new KernelBoot(boot("vmlinuz"), null, ""), Graphics.NONE,
                List.of(new VmNicSpec("56:6f:00:00:00:01", "vn0123456789", "virtio", 1500, true, null),
                        new VmNicSpec("56:6f:00:00:00:02", "vnabcdef0123", "virtio", 9000, false, null)));

        Document xml = DomainXml.parse(render(spec, HOST));

        assertThat(xml.getElementsByTagName("interface").getLength()).isEqualTo(2);
        assertThat(text(xml, "/domain/devices/interface[1]/@type")).isEqualTo("bridge");
        assertThat(text(xml, "/domain/devices/interface[1]/source/@bridge")).isEqualTo("vn0123456789");
        assertThat(text(xml, "/domain/devices/interface[1]/mac/@address")).isEqualTo("56:6f:00:00:00:01");
        assertThat(text(xml, "/domain/devices/interface[1]/model/@type")).isEqualTo("virtio");
        assertThat(text(xml, "/domain/devices/interface[1]/mtu/@size")).isEqualTo("1500");
        assertThat(text(xml, "/domain/devices/interface[1]/link/@state")).isEqualTo("up");
        assertThat(text(xml, "/domain/devices/interface[2]/source/@bridge")).isEqualTo("vnabcdef0123");
        assertThat(text(xml, "/domain/devices/interface[2]/mtu/@size")).isEqualTo("9000");
        assertThat(text(xml, "/domain/devices/interface[2]/link/@state")).isEqualTo("down");
    }

    @Test
    void refusesNicsLibvirtCouldNotTake() {
        assertThatThrownBy(() -> renderNic(new VmNicSpec("57:6f:00:00:00:01", "vn1", "virtio", 1500, true, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unicast");
        assertThatThrownBy(() -> renderNic(new VmNicSpec("56:6F:00:00:00:01", "vn1", "virtio", 1500, true, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MAC");
        assertThatThrownBy(() -> renderNic(new VmNicSpec("56:6f:00:00:00:01", "a-bridge-name-too-long", "virtio", 1500, true, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15 characters");
        assertThatThrownBy(() -> renderNic(new VmNicSpec("56:6f:00:00:00:01", "vn1", "e1000", 1500, true, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("virtio");
        assertThatThrownBy(() -> renderNic(new VmNicSpec("56:6f:00:00:00:01", "vn1", "virtio", 67, true, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MTU");
        VmNicSpec nic = new VmNicSpec("56:6f:00:00:00:01", "vn1", "virtio", 1500, true, null);
        assertThatThrownBy(() -> render(new VmSpec(ID, "x", 1, 128, List.of(), null, Graphics.NONE, List.of(nic, nic)), HOST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share a MAC");
    }

    private static String renderNic(VmNicSpec nic) {
        return render(new VmSpec(ID, "x", 1, 128, List.of(), null, Graphics.NONE, List.of(nic)), HOST);
    }
}
