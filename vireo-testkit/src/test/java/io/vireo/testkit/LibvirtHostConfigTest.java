package io.vireo.testkit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LibvirtHostConfigTest
{
    @Test
    void aLabHostDoesNotInheritTheMachinesDisplayBlock()
    {
        String machine = """
                # stock comments
                #vnc_listen = "0.0.0.0"
                user = "libvirt-qemu"
                # BEGIN Vireo displays (scripts/configure-qemu-displays.sh)
                vnc_listen = "127.0.0.1"
                vnc_tls = 1
                vnc_tls_x509_cert_dir = "/etc/pki/vireo-libvirt/qemu"
                # END Vireo displays
                group = "libvirt-qemu"
                """;

        String copy = LibvirtHostConfig.withoutMachineDisplays(machine);

        assertThat(copy).doesNotContain("vnc_listen = \"127.0.0.1\"").doesNotContain("vireo-libvirt").doesNotContain("Vireo displays")
                .contains("#vnc_listen = \"0.0.0.0\"").contains("user = \"libvirt-qemu\"").contains("group = \"libvirt-qemu\"");
        assertThat(LibvirtHostConfig.withoutMachineDisplays("user = \"x\"\n")).isEqualTo("user = \"x\"\n");
    }
}
