package io.vireo.agent.hypervisor;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Chooses the libvirt domain type: "kvm" (hardware virtualization) or "qemu" (TCG emulation).
 *
 * <p>An explicit choice wins: the configuration's, else the system property
 * {@value #SYSTEM_PROPERTY}. Otherwise the choice is kvm only when all of these hold:
 * <ol>
 *   <li>libvirt's host capabilities list {@code <domain type='kvm'>} for x86_64;</li>
 *   <li>/dev/kvm exists and can be opened for reading and writing;</li>
 *   <li>the CPU flags in /proc/cpuinfo carry vmx or svm.</li>
 * </ol>
 * The last check is the one that matters on nested machines such as the lab's: there /dev/kvm
 * exists and libvirt lists kvm, yet the CPU flags show no vmx/svm, and a Linux guest under KVM hangs
 * (default CPU) or aborts ("failed to set MSR", -cpu host), while trivial real-mode code runs, so
 * a quick boot probe would pass and prove nothing. The kernel's own kvm_intel/kvm_amd refuse to load
 * without these flags, so a healthy KVM host always shows them.
 */
final class DomainTypeDetector {
    static final String SYSTEM_PROPERTY = "vireo.agent.domainType";
    static final Set<String> TYPES = Set.of("kvm", "qemu");

    private final Path devKvm;
    private final Path cpuinfo;

    DomainTypeDetector() {
        this(Path.of("/dev/kvm"), Path.of("/proc/cpuinfo"));
    }

    DomainTypeDetector(Path devKvm, Path cpuinfo) {
        this.devKvm = devKvm;
        this.cpuinfo = cpuinfo;
    }

    /**
     * @param configured the configuration's choice, or null to look at the system property, then the host
     * @param capabilitiesXml libvirt's host capabilities (virConnectGetCapabilities)
     */
    Decision decide(String configured, String capabilitiesXml) {
        String explicit = configured != null ? configured : System.getProperty(SYSTEM_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            if (!TYPES.contains(explicit)) {
                throw new IllegalArgumentException("domain type must be kvm or qemu, not " + explicit);
            }
            return new Decision(explicit, "configured");
        }
        if (!libvirtListsKvm(capabilitiesXml)) {
            return new Decision("qemu", "libvirt does not list kvm for x86_64");
        }
        if (!Files.isReadable(devKvm) || !Files.isWritable(devKvm)) {
            return new Decision("qemu", devKvm + " is not usable");
        }
        if (!cpuHasVirtualizationFlags()) {
            return new Decision("qemu", "the CPU flags in " + cpuinfo + " show neither vmx nor svm (nested KVM that does not work)");
        }
        return new Decision("kvm", "libvirt lists kvm, " + devKvm + " is usable and the CPU has vmx/svm");
    }

    /** The domain type and why, for the agent's log. */
    record Decision(String domainType, String reason) {
    }

    static boolean libvirtListsKvm(String capabilitiesXml) {
        Document document = DomainXml.parse(capabilitiesXml);
        NodeList guests = document.getElementsByTagName("guest");
        for (int i = 0; i < guests.getLength(); i++) {
            Element guest = (Element) guests.item(i);
            NodeList arches = guest.getElementsByTagName("arch");
            for (int j = 0; j < arches.getLength(); j++) {
                Element arch = (Element) arches.item(j);
                if (arch.getAttribute("name").equals("x86_64") && hasKvmDomain(arch)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasKvmDomain(Element arch) {
        NodeList domains = arch.getElementsByTagName("domain");
        for (int i = 0; i < domains.getLength(); i++) {
            if (((Element) domains.item(i)).getAttribute("type").equals("kvm")) {
                return true;
            }
        }
        return false;
    }

    private boolean cpuHasVirtualizationFlags() {
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("flags"))
                    .map(line -> Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+")).collect(Collectors.toSet()))
                    .anyMatch(flags -> flags.contains("vmx") || flags.contains("svm"));
        }
        catch (IOException e) {
            return false;
        }
    }
}
