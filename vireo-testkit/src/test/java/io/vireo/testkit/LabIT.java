package io.vireo.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Real namespaces, real libvirtds, real TCG guests: needs root and the packages LAB.md lists. */
class LabIT
{
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
    private static final int LIBVIRT_TCP_PORT = 16509;
    private static final Pattern TICK = Pattern.compile("(?m)^TICK \\d+ [\\d.]+");

    @Test
    void guestRunsOnOneHostAndTheLabLeavesNothingBehind()
            throws IOException
    {
        GuestImage guest = GuestImage.ensureBuilt();
        String domain = "lab-it-guest";
        try (Lab lab = Lab.start(2)) {
            LabHost h1 = lab.host("h1");
            LabHost h2 = lab.host("h2");
            assertThat(lab.hosts()).extracting(LabHost::address).containsExactly("10.231.0.1", "10.231.0.2");
            assertThat(h1.virsh("hostname").strip()).isEqualTo("h1");
            await().atMost(Duration.ofSeconds(20)).until(() -> reachable(h2));
            assertThat(h2.accepts(LIBVIRT_TCP_PORT)).as("no plain TCP listener: hosts talk TLS").isFalse();

            Path console = lab.consoleLog(domain);
            startGuest(lab, h1, guest, domain);
            awaitBootedAndTicking(console);

            assertThat(h1.virsh("list", "--name")).contains(domain);
            assertThat(h2.virsh("list", "--all", "--name")).doesNotContain(domain);
        }
        assertThat(LabNetwork.labNamespaces()).isEmpty();
        assertThat(Path.of("/sys/class/net/vlab-root")).doesNotExist();
        assertThat(ProcessHandle.allProcesses()
                .map(process -> process.info().commandLine().orElse(""))
                .filter(commandLine -> commandLine.contains("guest=" + domain)))
                .isEmpty();
    }

    @Test
    void hostFaultsAreReversible()
            throws IOException
    {
        GuestImage guest = GuestImage.ensureBuilt();
        String domain = "lab-it-survivor";
        try (Lab lab = Lab.start(2)) {
            LabHost h2 = lab.host("h2");
            startGuest(lab, h2, guest, domain);
            awaitBootedAndTicking(lab.consoleLog(domain));

            h2.cutNetwork();
            assertThat(reachable(h2)).isFalse();
            // The out-of-band socket does not go through the lab network.
            assertThat(h2.virsh("hostname").strip()).isEqualTo("h2");
            h2.restoreNetwork();
            // the switch port comes back and ARP is learnt again within moments, not at once
            await().atMost(Duration.ofSeconds(20)).until(() -> reachable(h2));

            // Inside the host, plain qemu:///system is the host's own libvirtd.
            assertThat(run(h2.inHost("virsh", "-q", "-c", "qemu:///system", "list", "--name"))).contains(domain);
            assertThat(run(h2.inHost("hostname")).strip()).isEqualTo("h2");
            assertThat(run(h2.inNetns("ip", "-4", "-o", "addr", "show", "eth0"))).contains("10.231.0.2/24");

            h2.freezeLibvirtd();
            assertThatThrownBy(() -> h2.virsh(Duration.ofSeconds(2), "hostname")).isInstanceOf(CommandFailedException.class);
            h2.resumeLibvirtd();
            assertThat(h2.virsh("hostname").strip()).isEqualTo("h2");

            h2.killLibvirtd();
            assertThatThrownBy(() -> h2.virsh("hostname")).isInstanceOf(CommandFailedException.class);
            h2.restartLibvirtd();
            assertThat(h2.virsh("domstate", domain).strip()).isEqualTo("running");
        }
        assertThat(LabNetwork.labNamespaces()).isEmpty();
    }

    private static void startGuest(Lab lab, LabHost host, GuestImage guest, String domain)
            throws IOException
    {
        Path xml = Files.writeString(Files.createTempFile(domain, ".xml"), guest.domainXml(domain, lab.consoleLog(domain)), UTF_8);
        try {
            host.virsh("create", xml.toString());
        }
        finally {
            Files.delete(xml);
        }
    }

    private static void awaitBootedAndTicking(Path console)
    {
        await().atMost(BOOT_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            String text = Files.exists(console) ? Files.readString(console, UTF_8) : "";
            return text.contains(GuestImage.BOOT_MARKER) && TICK.matcher(text).find();
        });
    }

    private static String run(ProcessBuilder command)
    {
        return Commands.run(command, Duration.ofSeconds(10)).orThrow().stdout();
    }

    /** From the root namespace over its leg on the lab switch, bounded: a cut host answers nothing. */
    private static boolean reachable(LabHost host)
    {
        return Commands.run(Duration.ofSeconds(5), "busybox", "ping", "-c", "1", "-W", "2", host.address()).succeeded();
    }
}
