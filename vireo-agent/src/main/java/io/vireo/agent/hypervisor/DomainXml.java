package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.DiskAttachment;
import io.vireo.model.rpc.Graphics;
import io.vireo.model.rpc.VmNicSpec;
import io.vireo.model.rpc.VmSpec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Libvirt domain XML for a {@link VmSpec}, and the few facts the agent reads back from a running
 * domain's XML. Built with DOM so that user-supplied names and paths are always escaped.
 */
public final class DomainXml {
    public static final String VIREO_NAMESPACE = "https://vireo.io/xmlns/vm/1";

    private static final Set<String> DOMAIN_TYPES = Set.of("kvm", "qemu");
    private static final Set<String> DISK_FORMATS = Set.of("qcow2", "raw");
    private static final Set<String> CACHE_MODES = Set.of("none", "writeback", "writethrough", "directsync", "unsafe");
    private static final Set<String> NIC_MODELS = Set.of("virtio");
    /** Unicast (lowest bit of the first byte clear), lower case, colon separated. */
    private static final java.util.regex.Pattern UNICAST_MAC =
            java.util.regex.Pattern.compile("[0-9a-f][02468ace](:[0-9a-f]{2}){5}");
    /** A Linux interface name: 1 to 15 characters, no '/', ':' or white space. */
    private static final java.util.regex.Pattern IFNAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    private DomainXml() {
    }

    /**
     * What the host decides about a domain, beyond the spec.
     *
     * @param domainType "kvm" or "qemu" (TCG)
     * @param consoleLog the file the guest's serial console is appended to
     * @param vncListenAddress the address VNC and SPICE servers listen on: the host's management address;
     *     empty for qemu.conf's vnc_listen and spice_listen, which libvirt also leaves out of a migrating
     *     domain's XML, so that each host's own applies (an explicit address would follow the VM to a host
     *     that does not have it). Never an unspecified address (0.0.0.0, ::): a display is not for every network.
     * @param diskCacheMode the libvirt cache mode for a disk: "none" needs O_DIRECT from the filesystem
     */
    public record HostSettings(
            String domainType,
            Path consoleLog,
            Optional<String> vncListenAddress,
            Function<DiskAttachment, String> diskCacheMode) {
        public HostSettings {
            requireNonNull(domainType, "domainType");
            requireNonNull(consoleLog, "consoleLog");
            requireNonNull(vncListenAddress, "vncListenAddress");
            requireNonNull(diskCacheMode, "diskCacheMode");
        }

        public HostSettings(String domainType, Path consoleLog, Optional<String> vncListenAddress) {
            this(domainType, consoleLog, vncListenAddress, disk -> "none");
        }
    }

    /**
     * Direct kernel boot as the domain gets it: the real paths of the kernel and initrd (null for
     * none) that {@link BootFiles#resolve} checked, and the command line.
     */
    public record BootPaths(String kernel, String initrd, String cmdline) {
        public BootPaths {
            requireNonNull(kernel, "kernel");
            cmdline = cmdline == null ? "" : cmdline;
        }
    }

    /**
     * Renders a transient domain; throws IllegalArgumentException for a spec libvirt could not take.
     * {@code boot}: the resolved boot files when the spec boots a kernel, else null.
     */
    public static String render(VmSpec spec, BootPaths boot, HostSettings host) {
        check((spec.kernelBoot() == null) == (boot == null), "the boot paths do not match the spec's kernel boot");
        validate(spec, boot, host);
        Document document = newDocumentBuilder().newDocument();
        Element domain = document.createElement("domain");
        document.appendChild(domain);
        domain.setAttribute("type", host.domainType());
        child(domain, "name", spec.name());
        child(domain, "uuid", spec.id().toString());
        Element metadata = child(domain, "metadata");
        Element vireo = document.createElementNS(VIREO_NAMESPACE, "vireo:vm");
        vireo.setAttribute("id", spec.id().toString());
        metadata.appendChild(vireo);
        child(domain, "memory", Integer.toString(spec.memoryMib())).setAttribute("unit", "MiB");
        child(domain, "vcpu", Integer.toString(spec.vcpus()));
        appendOs(domain, boot);
        Element features = child(domain, "features");
        // ACPI is what makes requestShutdown (the power button) reach the guest.
        child(features, "acpi");
        child(features, "apic");
        if (host.domainType().equals("kvm")) {
            child(domain, "cpu").setAttribute("mode", "host-model");
        }
        child(domain, "clock").setAttribute("offset", "utc");
        child(domain, "on_poweroff", "destroy");
        child(domain, "on_reboot", "restart");
        child(domain, "on_crash", "destroy");
        appendDevices(domain, spec, host);
        return serialize(document);
    }

    private static void appendOs(Element domain, BootPaths kernelBoot) {
        Element os = child(domain, "os");
        Element type = child(os, "type", "hvm");
        type.setAttribute("arch", "x86_64");
        // i440fx: plain PCI takes hot-plugged devices without the root ports q35 would need.
        type.setAttribute("machine", "pc");
        if (kernelBoot != null) {
            child(os, "kernel", kernelBoot.kernel());
            if (kernelBoot.initrd() != null) {
                child(os, "initrd", kernelBoot.initrd());
            }
            if (!kernelBoot.cmdline().isEmpty()) {
                child(os, "cmdline", kernelBoot.cmdline());
            }
        }
    }

    private static void appendDevices(Element domain, VmSpec spec, HostSettings host) {
        Element devices = child(domain, "devices");
        int firstBootable = firstBootDisk(spec);
        for (int i = 0; i < spec.disks().size(); i++) {
            DiskAttachment disk = spec.disks().get(i);
            int bootOrder = i == firstBootable ? 1 : Math.max(disk.bootOrder(), 0);
            if (spec.kernelBoot() != null) {
                bootOrder = 0;
            }
            appendDisk(devices, disk, host.diskCacheMode().apply(disk), bootOrder);
        }
        for (VmNicSpec nic : spec.nics()) {
            appendInterface(devices, nic);
        }
        String consoleLog = host.consoleLog().toString();
        Element serial = child(devices, "serial");
        serial.setAttribute("type", "file");
        fileSource(serial, consoleLog);
        child(serial, "target").setAttribute("port", "0");
        Element console = child(devices, "console");
        console.setAttribute("type", "file");
        fileSource(console, consoleLog);
        Element consoleTarget = child(console, "target");
        consoleTarget.setAttribute("type", "serial");
        consoleTarget.setAttribute("port", "0");
        appendGraphics(devices, spec.graphics(), host.vncListenAddress());
        child(devices, "memballoon").setAttribute("model", "virtio");
        Element rng = child(devices, "rng");
        rng.setAttribute("model", "virtio");
        child(rng, "backend", "/dev/urandom").setAttribute("model", "random");
    }

    /** A tap on the network's bridge, named by the engine for an overlay port (its filter uses the name), else by libvirt. */
    private static void appendInterface(Element devices, VmNicSpec nic) {
        Element element = child(devices, "interface");
        element.setAttribute("type", "bridge");
        child(element, "source").setAttribute("bridge", nic.bridge());
        if (nic.tap() != null) {
            child(element, "target").setAttribute("dev", nic.tap());
        }
        child(element, "mac").setAttribute("address", nic.mac());
        child(element, "model").setAttribute("type", nic.model());
        child(element, "mtu").setAttribute("size", Integer.toString(nic.mtu()));
        child(element, "link").setAttribute("state", nic.linked() ? "up" : "down");
    }

    /**
     * One NIC's interface element by itself, as a running domain takes it to plug it; throws
     * IllegalArgumentException for a NIC libvirt could not take.
     */
    public static String interfaceXml(VmNicSpec nic) {
        validateNic(nic);
        Document document = newDocumentBuilder().newDocument();
        Element devices = document.createElement("devices");
        document.appendChild(devices);
        appendInterface(devices, nic);
        return serialize(devices.getFirstChild());
    }

    /** The disk that boots when no disk names a boot order: the first one, as VmSpec documents. */
    private static int firstBootDisk(VmSpec spec) {
        boolean anyOrdered = spec.disks().stream().anyMatch(disk -> disk.bootOrder() > 0);
        return anyOrdered || spec.disks().isEmpty() ? -1 : 0;
    }

    private static void appendDisk(Element devices, DiskAttachment disk, String cacheMode, int bootOrder) {
        Element element = child(devices, "disk");
        element.setAttribute("type", "file");
        element.setAttribute("device", "disk");
        Element driver = child(element, "driver");
        driver.setAttribute("name", "qemu");
        driver.setAttribute("type", disk.format());
        driver.setAttribute("cache", cacheMode);
        if (cacheMode.equals("none") || cacheMode.equals("directsync")) {
            driver.setAttribute("io", "native");
        }
        child(element, "source").setAttribute("file", disk.path());
        Element target = child(element, "target");
        target.setAttribute("dev", disk.target());
        target.setAttribute("bus", "virtio");
        child(element, "serial", diskSerial(disk.diskId()));
        if (bootOrder > 0) {
            child(element, "boot").setAttribute("order", Integer.toString(bootOrder));
        }
    }

    /**
     * The disk id as the serial the guest sees (/dev/disk/by-id/virtio-...), so that a guest can
     * tell its disks apart. virtio-blk carries at most 20 bytes; an id with other characters than
     * these is left out rather than risk QEMU refusing it.
     */
    /** The disk's serial as the guest sees it (/dev/disk/by-id/virtio-...): the id's first 20 characters, QEMU's limit. */
    static String diskSerial(UUID diskId) {
        return diskId.toString().substring(0, 20);
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A random password for a display that nobody may open yet (it is set already expired). */
    private static String lockedPassword() {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            password.append((char) ('a' + RANDOM.nextInt(26)));
        }
        return password.toString();
    }

    private static void appendGraphics(Element devices, Graphics graphics, Optional<String> listenAddress) {
        if (graphics == Graphics.NONE) {
            child(child(devices, "video"), "model").setAttribute("type", "none");
            return;
        }
        Element element = child(devices, "graphics");
        element.setAttribute("type", graphics.wireName());
        element.setAttribute("autoport", "yes");
        // Locked from the start: a random password that expired long ago. Only a console ticket
        // (vm.setConsolePassword) opens it, and QEMU must start with password auth for that to work.
        element.setAttribute("passwd", lockedPassword());
        element.setAttribute("passwdValidTo", "1970-01-01T00:00:01");
        if (graphics == Graphics.SPICE) {
            // every channel over TLS (qemu.conf spice_tls = 1): libvirt then gives the display a tlsPort and no plain port
            element.setAttribute("defaultMode", "secure");
        }
        Element listen = child(element, "listen");
        listen.setAttribute("type", "address");
        listenAddress.ifPresent(address -> listen.setAttribute("address", address));
        // An absolute pointer keeps the remote cursor where the viewer's is.
        Element tablet = child(devices, "input");
        tablet.setAttribute("type", "tablet");
        tablet.setAttribute("bus", "usb");
        child(child(devices, "video"), "model").setAttribute("type", graphics == Graphics.SPICE ? "qxl" : "vga");
    }

    private static void fileSource(Element parent, String path) {
        Element source = child(parent, "source");
        source.setAttribute("path", path);
        source.setAttribute("append", "on");
    }

    private static void validate(VmSpec spec, BootPaths boot, HostSettings host) {
        check(DOMAIN_TYPES.contains(host.domainType()), "domain type must be kvm or qemu, not " + host.domainType());
        check(!spec.name().isBlank() && !spec.name().contains("/"), "VM name must be non-blank without '/': " + spec.name());
        check(spec.vcpus() > 0, "vcpus must be positive");
        check(spec.memoryMib() > 0, "memory must be positive");
        check(host.consoleLog().isAbsolute(), "console log path must be absolute");
        xmlSafe("name", spec.name());
        host.vncListenAddress().ifPresent(address -> {
            xmlSafe("VNC listen address", address);
            check(!unspecifiedAddress(address), "the display's listen address must be the host's management address, not "
                    + address + " (every address)");
        });
        xmlSafe("console log path", host.consoleLog().toString());
        for (DiskAttachment disk : spec.disks()) {
            check(DISK_FORMATS.contains(disk.format()), "disk format must be qcow2 or raw, not " + disk.format());
            check(Path.of(disk.path()).isAbsolute(), "disk path must be absolute: " + disk.path());
            check(disk.target().matches("vd[a-z]{1,2}"), "disk target must be a virtio name like vda: " + disk.target());
            check(CACHE_MODES.contains(host.diskCacheMode().apply(disk)), "unknown disk cache mode");
            xmlSafe("disk path", disk.path());
        }
        check(spec.disks().stream().map(DiskAttachment::target).distinct().count() == spec.disks().size(),
                "two disks share a target device");
        spec.nics().forEach(DomainXml::validateNic);
        check(spec.nics().stream().map(VmNicSpec::mac).distinct().count() == spec.nics().size(), "two NICs share a MAC");
        if (boot != null) {
            check(Path.of(boot.kernel()).isAbsolute(), "kernel path must be absolute: " + boot.kernel());
            check(boot.initrd() == null || Path.of(boot.initrd()).isAbsolute(), "initrd path must be absolute: " + boot.initrd());
            xmlSafe("kernel path", boot.kernel());
            xmlSafe("initrd path", boot.initrd() == null ? "" : boot.initrd());
            xmlSafe("kernel command line", boot.cmdline());
        }
    }

    private static void validateNic(VmNicSpec nic) {
        check(UNICAST_MAC.matcher(nic.mac()).matches(), "NIC MAC must be a lower-case unicast address like 56:6f:00:00:00:01, not "
                + nic.mac());
        check(IFNAME.matcher(nic.bridge()).matches(), "NIC bridge must be an interface name of 1 to 15 characters, not " + nic.bridge());
        check(NIC_MODELS.contains(nic.model()), "NIC model must be virtio, not " + nic.model());
        check(nic.mtu() >= 68 && nic.mtu() <= 65535, "NIC MTU must be between 68 and 65535, not " + nic.mtu());
        check(nic.tap() == null || nic.tap().matches("tap[0-9a-f-]{11}"),
                "NIC tap must be tap and 11 characters of a port id, not " + nic.tap());
    }

    /** 0.0.0.0, ::, and their other spellings: a server there listens on every address of the host. */
    public static boolean unspecifiedAddress(String address) {
        String literal = address.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
            return false; // a host name: libvirt resolves it to an address of the host
        }
        try {
            // a numeric address is parsed, never looked up
            return java.net.InetAddress.getByName(literal).isAnyLocalAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The Vireo VM id from the domain's metadata; empty for a domain Vireo did not create. */
    public static Optional<String> vireoVmId(String domainXml) {
        NodeList elements = parse(domainXml).getElementsByTagNameNS(VIREO_NAMESPACE, "vm");
        if (elements.getLength() == 0) {
            return Optional.empty();
        }
        String id = ((Element) elements.item(0)).getAttribute("id");
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    static Document parse(String xml) {
        try {
            return newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        }
        catch (SAXException | IOException e) {
            throw new IllegalArgumentException("not well-formed domain XML: " + e.getMessage(), e);
        }
    }

    private static DocumentBuilder newDocumentBuilder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // Domain XML never carries a DTD; refusing one closes the door on entity tricks.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // The default handler prints every parse error on stderr before throwing it.
            builder.setErrorHandler(new DefaultHandler() {
                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return builder;
        }
        catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    static String serialize(org.w3c.dom.Node document) {
        try {
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.INDENT, "yes");
            transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            StringWriter writer = new StringWriter();
            transformer.transform(new DOMSource(document), new StreamResult(writer));
            return writer.toString();
        }
        catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize domain XML", e);
        }
    }

    private static Element child(Element parent, String name) {
        Element element = parent.getOwnerDocument().createElement(name);
        parent.appendChild(element);
        return element;
    }

    private static Element child(Element parent, String name, String text) {
        Element element = child(parent, name);
        element.setTextContent(text);
        return element;
    }

    /** XML 1.0 cannot carry most control characters at all, escaped or not. */
    private static void xmlSafe(String what, String value) {
        boolean safe = value.chars().allMatch(c -> c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
        check(safe, what + " contains a control character");
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
