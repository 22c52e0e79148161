package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.ConsoleLogResult;
import io.vireo.model.rpc.DiskAttachment;
import io.vireo.model.rpc.EnsureRunningResult;
import io.vireo.model.rpc.Graphics;
import io.vireo.model.rpc.GuestState;
import io.vireo.model.rpc.HostFacts;
import io.vireo.model.rpc.HostStats;
import io.vireo.model.rpc.BootFileLocation;
import io.vireo.model.rpc.KernelBoot;
import io.vireo.model.rpc.VmObservation;
import io.vireo.model.rpc.VmSpec;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static io.vireo.model.rpc.GuestState.PAUSED;
import static io.vireo.model.rpc.GuestState.RUNNING;
import static io.vireo.model.rpc.GuestState.SHUTOFF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Against the machine's own libvirtd, with real TCG guests. */
class LibvirtHypervisorIT {
    private static final String PREFIX = "vireo-it-agent-";
    private static final Duration BOOT_DEADLINE = Duration.ofSeconds(120);

    private static Path workDirectory;
    private static Path kernel;
    private static Path initramfs;
    private static LibvirtHypervisor hypervisor;
    private static final List<VmObservation> changes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startLibvirt() throws IOException, InterruptedException {
        LocalLibvirt.ensureRunning();
        LocalLibvirt.destroyDomainsNamed(PREFIX);
        kernel = TinyGuest.kernel();
        initramfs = TinyGuest.initramfs();
        // QEMU runs as libvirt-qemu and must reach the disk images in here.
        workDirectory = Files.createTempDirectory("vireo-agent-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        // the agent boots kernels only from a storage domain's boot-files directory: the work directory plays one
        Path bootFiles = Files.createDirectories(workDirectory.resolve(BootFileLocation.DIRECTORY));
        kernel = Files.copy(kernel, bootFiles.resolve("vmlinuz"));
        initramfs = Files.copy(initramfs, bootFiles.resolve("initramfs.cpio"));
        hypervisor = new LibvirtHypervisor(new LibvirtHypervisorConfig(
                LocalLibvirt.URI, workDirectory.resolve("console"), java.util.Optional.of("127.0.0.1"), Duration.ofSeconds(90)));
        hypervisor.onStateChange(changes::add);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (hypervisor != null) {
            hypervisor.close();
        }
        LocalLibvirt.destroyDomainsNamed(PREFIX);
        if (workDirectory != null) {
            try (var files = Files.walk(workDirectory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void runsAKernelBootedGuestOnceAndFollowsItsLife() {
        VmSpec spec = kernelGuest("life");

        long started = System.nanoTime();
        EnsureRunningResult first = hypervisor.ensureRunning(spec);
        System.out.printf("ensureRunning (createXML) of the tiny guest took %d ms%n", (System.nanoTime() - started) / 1_000_000);

        assertThat(first.alreadyRunning()).isFalse();
        assertThat(first.observation().id()).isEqualTo(spec.id());
        assertThat(first.observation().state()).isEqualTo(RUNNING);
        assertThat(first.observation().vncPort()).isGreaterThanOrEqualTo(5900);
        assertThat(first.observation().memoryKib()).isEqualTo(128 * 1024);
        awaitConsole(spec.id(), TinyGuest.MARKER);

        EnsureRunningResult second = hypervisor.ensureRunning(spec);
        assertThat(second.alreadyRunning()).isTrue();
        assertThat(hypervisor.listVms()).extracting(VmObservation::id).contains(spec.id());
        assertThat(hypervisor.findVm(spec.id())).hasValueSatisfying(vm -> assertThat(vm.cpuTimeNanos()).isPositive());

        assertThat(hypervisor.ensurePaused(spec.id()).state()).isEqualTo(PAUSED);
        assertThat(hypervisor.ensurePaused(spec.id()).state()).isEqualTo(PAUSED);
        EnsureRunningResult whilePaused = hypervisor.ensureRunning(spec);
        assertThat(whilePaused.alreadyRunning()).isTrue();
        assertThat(whilePaused.observation().state()).isEqualTo(PAUSED);
        assertThat(hypervisor.ensureResumed(spec.id()).state()).isEqualTo(RUNNING);
        assertThat(hypervisor.ensureResumed(spec.id()).state()).isEqualTo(RUNNING);
        awaitChange(spec.id(), PAUSED);
        awaitChange(spec.id(), RUNNING);

        long destroying = System.nanoTime();
        assertThat(LocalLibvirt.virsh("destroy", spec.name()).succeeded()).isTrue();
        long destroyed = System.nanoTime();
        awaitChange(spec.id(), SHUTOFF);
        Duration noticed = Duration.ofNanos(System.nanoTime() - destroyed);
        System.out.printf("virsh destroy took %d ms; stateChanged(shutoff) came %d ms after it returned%n",
                (destroyed - destroying) / 1_000_000, noticed.toMillis());
        assertThat(noticed).isLessThan(Duration.ofSeconds(1));

        assertThat(hypervisor.ensureStopped(spec.id())).isFalse();
        assertThat(hypervisor.findVm(spec.id())).isEmpty();
    }

    @Test
    void everyBootStartsWithAFreshConsoleLog() {
        VmSpec spec = kernelGuest("reboot");
        hypervisor.ensureRunning(spec);
        awaitConsole(spec.id(), TinyGuest.MARKER);
        awaitConsole(spec.id(), "TICK 2 ");

        assertThat(hypervisor.ensureStopped(spec.id())).isTrue();
        assertThat(hypervisor.ensureStopped(spec.id())).isFalse();
        assertThat(hypervisor.ensureRunning(spec).alreadyRunning()).isFalse();
        String log = awaitConsole(spec.id(), TinyGuest.MARKER);

        assertThat(log.split(TinyGuest.MARKER, -1)).hasSize(2);
        assertThat(hypervisor.ensureStopped(spec.id())).isTrue();
    }

    @Test
    void acceptsADiskBootedVmWithAQcow2FromDiskImages() {
        Path image = workDirectory.resolve("disk-" + UUID.randomUUID() + ".qcow2");
        assertThat(new DiskImages().ensureCreated(image, 64L * 1024 * 1024, "qcow2").created()).isTrue();
        VmSpec spec = new VmSpec(UUID.randomUUID(), PREFIX + "disk-" + shortId(), 1, 128,
                List.of(new DiskAttachment(UUID.randomUUID(), image.toString(), "qcow2", "vda", 1)), null, Graphics.NONE);

        EnsureRunningResult result = hypervisor.ensureRunning(spec);

        assertThat(result.alreadyRunning()).isFalse();
        assertThat(result.observation().state()).isEqualTo(RUNNING);
        assertThat(result.observation().vncPort()).isEqualTo(-1);
        assertThat(hypervisor.requestShutdown(spec.id())).isTrue();
        assertThat(hypervisor.ensureStopped(spec.id())).isTrue();
        awaitChange(spec.id(), SHUTOFF);
    }

    @Test
    void namesAMissingDiskImage() {
        String missing = workDirectory.resolve("no-such-disk.qcow2").toString();
        VmSpec spec = new VmSpec(UUID.randomUUID(), PREFIX + "missing-" + shortId(), 1, 128,
                List.of(new DiskAttachment(UUID.randomUUID(), missing, "qcow2", "vda", 1)), null, Graphics.NONE);

        assertThatThrownBy(() -> hypervisor.ensureRunning(spec))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining(missing);
        assertThat(hypervisor.findVm(spec.id())).isEmpty();
    }

    @Test
    void absentVmsAreNoError() {
        UUID absent = UUID.randomUUID();

        assertThat(hypervisor.ensureStopped(absent)).isFalse();
        assertThat(hypervisor.requestShutdown(absent)).isFalse();
        assertThat(hypervisor.findVm(absent)).isEmpty();
        assertThatThrownBy(() -> hypervisor.ensurePaused(absent))
                .isInstanceOfSatisfying(HypervisorException.class, e -> assertThat(e.isNoSuchVm()).isTrue());
        assertThatThrownBy(() -> hypervisor.reboot(absent))
                .isInstanceOfSatisfying(HypervisorException.class, e -> assertThat(e.isNoSuchVm()).isTrue());
    }

    @Test
    void describesTheHost() throws IOException {
        HostFacts facts = hypervisor.facts();
        HostStats stats = hypervisor.stats();

        assertThat(facts.hostname()).isNotBlank();
        assertThat(facts.cpuCount()).isPositive();
        assertThat(facts.memoryTotalKib()).isPositive();
        assertThat(facts.libvirtVersion()).matches("\\d+\\.\\d+\\.\\d+");
        boolean virtualizationFlags = Files.readString(Path.of("/proc/cpuinfo")).matches("(?s).*\\bflags\\b[^\\n]*\\b(vmx|svm)\\b.*");
        assertThat(facts.domainType()).isEqualTo(virtualizationFlags ? facts.domainType() : "qemu");
        assertThat(stats.cpuCount()).isEqualTo(facts.cpuCount());
        assertThat(stats.cpuLoadPercent()).isBetween(0.0, 100.0);
        assertThat(stats.memoryFreeKib()).isPositive();
        assertThat(stats.runningVms()).isNotNegative();
    }

    private static VmSpec kernelGuest(String purpose) {
        return new VmSpec(UUID.randomUUID(), PREFIX + purpose + "-" + shortId(), 1, 128, List.of(),
                new KernelBoot(new BootFileLocation(workDirectory.toString(), kernel.getFileName().toString()),
                        new BootFileLocation(workDirectory.toString(), initramfs.getFileName().toString()), "console=ttyS0 panic=-1 quiet"), Graphics.VNC);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Waits for the text on the VM's console; answers the whole log read so far. */
    private static String awaitConsole(UUID vmId, String text) {
        StringBuilder log = new StringBuilder();
        long[] offset = {0};
        try {
            await().atMost(BOOT_DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
                ConsoleLogResult chunk = hypervisor.readConsoleLog(vmId, offset[0]);
                log.append(chunk.text());
                offset[0] = chunk.nextOffset();
                return log.indexOf(text) >= 0;
            });
        }
        catch (ConditionTimeoutException e) {
            throw new AssertionError("no " + text + " on the console of " + vmId + " within " + BOOT_DEADLINE + "; it shows:\n" + log, e);
        }
        return log.toString();
    }

    private static void awaitChange(UUID vmId, GuestState state) {
        Predicate<VmObservation> wanted = observation -> observation.id().equals(vmId) && observation.state() == state;
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
                assertThat(changes).as("stateChanged(" + state + ") for " + vmId).anyMatch(wanted));
    }
}
