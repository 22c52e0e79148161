package io.vireo.agent.hypervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DomainTypeDetectorTest {
    private static final String WITH_KVM = """
            <capabilities>
              <host><cpu><arch>x86_64</arch></cpu></host>
              <guest>
                <os_type>hvm</os_type>
                <arch name='i686'><domain type='qemu'/><domain type='kvm'/></arch>
              </guest>
              <guest>
                <os_type>hvm</os_type>
                <arch name='x86_64'><wordsize>64</wordsize><domain type='qemu'/><domain type='kvm'/></arch>
              </guest>
            </capabilities>""";
    private static final String WITHOUT_KVM = WITH_KVM.replace("<domain type='kvm'/>", "");
    private static final String VMX_CPU = "processor\t: 0\nflags\t\t: fpu vme de pse tsc msr vmx sse2\n\n";
    private static final String NESTED_CPU = "processor\t: 0\nflags\t\t: fpu vme de pse tsc msr sse2 hypervisor\n\n";

    @TempDir
    Path directory;

    @AfterEach
    void clearProperty() {
        System.clearProperty(DomainTypeDetector.SYSTEM_PROPERTY);
    }

    @Test
    void kvmWhenLibvirtTheDeviceAndTheCpuAllAgree() throws IOException {
        assertThat(detector(VMX_CPU, true).decide(null, WITH_KVM).domainType()).isEqualTo("kvm");
        assertThat(detector(VMX_CPU.replace("vmx", "svm"), true).decide(null, WITH_KVM).domainType()).isEqualTo("kvm");
    }

    @Test
    void qemuOnANestedHostWhoseCpuHidesVirtualization() throws IOException {
        DomainTypeDetector.Decision decision = detector(NESTED_CPU, true).decide(null, WITH_KVM);

        assertThat(decision.domainType()).isEqualTo("qemu");
        assertThat(decision.reason()).contains("neither vmx nor svm");
    }

    @Test
    void qemuWithoutKvmInLibvirtOrWithoutTheDevice() throws IOException {
        assertThat(detector(VMX_CPU, true).decide(null, WITHOUT_KVM).domainType()).isEqualTo("qemu");
        assertThat(detector(VMX_CPU, false).decide(null, WITH_KVM).domainType()).isEqualTo("qemu");
    }

    @Test
    void anExplicitChoiceWins() throws IOException {
        assertThat(detector(VMX_CPU, true).decide("qemu", WITH_KVM).domainType()).isEqualTo("qemu");
        System.setProperty(DomainTypeDetector.SYSTEM_PROPERTY, "kvm");
        assertThat(detector(NESTED_CPU, false).decide(null, WITHOUT_KVM).domainType()).isEqualTo("kvm");
        assertThat(detector(NESTED_CPU, false).decide("qemu", WITHOUT_KVM).domainType()).isEqualTo("qemu");
        System.setProperty(DomainTypeDetector.SYSTEM_PROPERTY, "xen");
        assertThatThrownBy(() -> detector(NESTED_CPU, false).decide(null, WITHOUT_KVM)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thisMachineAnswersWhatItsCpuFlagsAllow() throws IOException {
        boolean virtualizationFlags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("flags"))
                .anyMatch(line -> line.matches(".*\\b(vmx|svm)\\b.*"));

        String chosen = new DomainTypeDetector().decide(null, WITH_KVM).domainType();

        if (!virtualizationFlags) {
            assertThat(chosen).isEqualTo("qemu");
        }
    }

    private DomainTypeDetector detector(String cpuinfo, boolean deviceExists) throws IOException {
        Path cpuinfoFile = Files.writeString(directory.resolve("cpuinfo"), cpuinfo);
        Path device = directory.resolve("kvm");
        if (deviceExists) {
            Files.writeString(device, "");
        }
        else {
            Files.deleteIfExists(device);
        }
        return new DomainTypeDetector(device, cpuinfoFile);
    }
}
