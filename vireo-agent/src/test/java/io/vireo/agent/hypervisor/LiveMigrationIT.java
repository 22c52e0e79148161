package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.Graphics;
import io.vireo.model.rpc.GuestState;
import io.vireo.model.rpc.BootFileLocation;
import io.vireo.model.rpc.KernelBoot;
import io.vireo.model.rpc.MigrationOutcome;
import io.vireo.model.rpc.MigrationPhase;
import io.vireo.model.rpc.MigrationPolicy;
import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.MigrationResult;
import io.vireo.model.rpc.VmObservation;
import io.vireo.model.rpc.VmSpec;
import io.vireo.testkit.GuestImage;
import io.vireo.agent.enrollment.HostCertificates;
import io.vireo.agent.enrollment.LibvirtPki;
import io.vireo.testkit.Lab;
import io.vireo.testkit.LabHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live migration between two lab hosts, each with its own libvirtd, of the tiny TCG guest. The
 * migration is peer to peer: h1's libvirtd, inside h1's namespace, dials h2 at its lab address over
 * TLS (qemu+tls, and the QEMUs' data stream too), each host with a certificate of a test CA written
 * where the agent writes it (LibvirtPki); the hosts' libvirtds have no plain TCP listener.
 * Both agents write console logs to one shared directory, so the guest's serial log goes on in
 * the same file after the move. Prints downtime and times of each migration.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveMigrationIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern TICK = Pattern.compile("(?m)^TICK (\\d+) ");
    private static final int LIBVIRT_TCP_PORT = 16509;
    private static final int LIBVIRT_TLS_PORT = 16514;
    private static final HostCertificates CA = new HostCertificates("CN=LiveMigrationIT CA");
    /** The URIs each source uses, its own certificate added as the agent adds it. */
    private static String H1_URI;
    private static String H2_URI;

    private static GuestImage guest;
    private static Lab lab;
    private static LibvirtHypervisor h1;
    private static LibvirtHypervisor h2;
    private static final List<VmObservation> h1Changes = new CopyOnWriteArrayList<>();
    private static final List<VmObservation> h2Changes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startLab() {
        guest = GuestImage.ensureBuilt();
        lab = Lab.start(2);
        for (LabHost host : lab.hosts()) {
            try {
                CA.issue(host.address()).writeTo(pki(host));
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            host.listenTls();
        }
        H2_URI = pki(lab.host("h1")).clientUri("qemu+tls://10.231.0.2/system");
        H1_URI = pki(lab.host("h2")).clientUri("qemu+tls://10.231.0.1/system");
        h1 = hypervisor(lab.host("h1").libvirtUri());
        h2 = hypervisor(lab.host("h2").libvirtUri());
        h1.onStateChange(h1Changes::add);
        h2.onStateChange(h2Changes::add);
    }

    @AfterAll
    static void closeLab() {
        for (AutoCloseable closeable : new AutoCloseable[] {h1, h2, lab}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            }
            catch (Exception e) {
                System.err.println("closing " + closeable + " failed: " + e);
            }
        }
    }

    private static LibvirtHypervisor hypervisor(String uri) {
        // One console directory for both hosts, as shared storage would give: the log follows the VM.
        return new LibvirtHypervisor(new LibvirtHypervisorConfig(uri, lab.consoleDir(), java.util.Optional.empty(), Duration.ofSeconds(30)));
    }

    @Test
    void migratesLiveToTheOtherHostAndBackWhileTheGuestKeepsTicking() throws IOException {
        for (LabHost host : lab.hosts()) {
            assertThat(host.accepts(LIBVIRT_TCP_PORT)).as("no plain TCP listener on " + host.name()).isFalse();
            assertThat(host.accepts(LIBVIRT_TLS_PORT)).as("libvirtd listens with TLS on " + host.name()).isTrue();
        }
        assertThat(H2_URI).startsWith("qemu+tls://10.231.0.2/system?pkipath=");
        VmSpec spec = startTickingGuest("migrate-it");
        List<MigrationProgress> progress = new CopyOnWriteArrayList<>();

        MigrationResult there = timed("h1 -> h2", () -> h1.migrate(spec.id(), H2_URI, MigrationPolicy.defaults(), progress::add));

        assertThat(there.outcome()).isEqualTo(MigrationOutcome.COMPLETED);
        assertThat(there.downtimeMs()).isPositive();
        assertThat(there.totalMs()).isPositive();
        assertThat(there.dataTransferredBytes()).isPositive();
        assertThat(h2.findVm(spec.id())).hasValueSatisfying(vm -> assertThat(vm.state()).isEqualTo(GuestState.RUNNING));
        assertThat(h1.findVm(spec.id())).isEmpty();
        assertThat(progress).extracting(MigrationProgress::phase).startsWith(MigrationPhase.STARTING).endsWith(MigrationPhase.COMPLETED);
        assertGuestTicksOn(spec);
        // The source says migrated, never shutoff: the engine must not take the move for a crash.
        await().atMost(Duration.ofSeconds(10)).until(() -> statesOf(h1Changes, spec).contains(GuestState.MIGRATED));
        assertThat(statesOf(h1Changes, spec)).doesNotContain(GuestState.SHUTOFF, GuestState.CRASHED);
        System.out.println("STATES reported by h1 (source): " + statesOf(h1Changes, spec) + ", by h2 (destination): " + statesOf(h2Changes, spec));

        MigrationResult repeated = h1.migrate(spec.id(), H2_URI, MigrationPolicy.defaults(), ignored -> { });
        assertThat(repeated.outcome()).isEqualTo(MigrationOutcome.COMPLETED);

        MigrationResult back = timed("h2 -> h1", () -> h2.migrate(spec.id(), H1_URI, MigrationPolicy.defaults(), ignored -> { }));

        assertThat(back.outcome()).isEqualTo(MigrationOutcome.COMPLETED);
        assertThat(back.downtimeMs()).isPositive();
        assertThat(h1.findVm(spec.id())).hasValueSatisfying(vm -> assertThat(vm.state()).isEqualTo(GuestState.RUNNING));
        assertThat(h2.findVm(spec.id())).isEmpty();
        assertGuestTicksOn(spec);
        h1.ensureStopped(spec.id());
    }

    @Test
    void aCancelledMigrationLeavesTheVmRunningOnTheSource() throws Exception {
        VmSpec spec = startTickingGuest("cancel-it");
        // 1 MiB/s for 128 MiB of guest: minutes, plenty of time to cancel.
        MigrationPolicy slow = new MigrationPolicy(100, 1, false, false, List.of(), 600);
        List<MigrationProgress> progress = new CopyOnWriteArrayList<>();

        CompletableFuture<MigrationResult> migration = CompletableFuture.supplyAsync(
                () -> timed("h1 -> h2 at 1 MiB/s, cancelled", () -> h1.migrate(spec.id(), H2_URI, slow, progress::add)));
        await().atMost(Duration.ofSeconds(60)).until(() -> progress.stream().anyMatch(p -> p.dataTotalBytes() > 0 && p.dataRemainingBytes() < p.dataTotalBytes()));
        assertThat(h1.migrationStatus(spec.id())).hasValueSatisfying(status -> assertThat(status.phase()).isEqualTo(MigrationPhase.PRECOPY));

        System.out.println("cancelling at " + progress.getLast());
        assertThat(h1.cancelMigration(spec.id())).isTrue();
        MigrationResult result = migration.get(60, TimeUnit.SECONDS);

        assertThat(result.outcome()).isEqualTo(MigrationOutcome.CANCELLED);
        assertThat(h1.migrationStatus(spec.id())).isEmpty();
        assertThat(h1.cancelMigration(spec.id())).isFalse();
        assertThat(h1.findVm(spec.id())).hasValueSatisfying(vm -> assertThat(vm.state()).isEqualTo(GuestState.RUNNING));
        assertThat(h2.findVm(spec.id())).isEmpty();
        assertGuestTicksOn(spec);
        System.out.println("STATES after a cancel, reported by h1 (source): " + statesOf(h1Changes, spec)
                + ", by h2 (destination): " + statesOf(h2Changes, spec));
        List<GuestState> states = statesOf(h1Changes, spec);
        assertThat(states).doesNotContain(GuestState.MIGRATED, GuestState.SHUTOFF);
        // Since the migrations run over TLS, the source was seen paused for a moment around the cancel
        // in 4 of 7 runs of this class (never in 6 cancels in a row of another run, 3 of them with the
        // data stream in plain TCP): tolerated, as long as it runs again at once (cause not found).
        if (states.contains(GuestState.PAUSED)) {
            assertThat(states.getLast()).as("resumed after the pause: " + states).isEqualTo(GuestState.RUNNING);
        }
        h1.ensureStopped(spec.id());
    }

    /**
     * QEMU's own view (QMP, through virsh qemu-monitor-command) while a slow migration runs. Last,
     * and apart from the cancel test, which first saw its source paused for a moment only in runs where
     * such a query had been made before it (later also without).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theMigrationDataStreamGoesOverTls() throws Exception {
        VmSpec spec = startTickingGuest("tls-stream-it");
        MigrationPolicy slow = new MigrationPolicy(100, 1, false, false, List.of(), 600);
        List<MigrationProgress> progress = new CopyOnWriteArrayList<>();
        CompletableFuture<MigrationResult> migration = CompletableFuture.supplyAsync(() -> h1.migrate(spec.id(), H2_URI, slow, progress::add));
        await().atMost(Duration.ofSeconds(60)).until(() -> progress.stream().anyMatch(p -> p.dataTotalBytes() > 0 && p.dataRemainingBytes() < p.dataTotalBytes()));

        String parameters = qemuMigrationParameters(lab.host("h1"), spec);

        System.out.println("QEMU migration parameters during the migration: " + parameters);
        assertThat(parameters).as("the data stream goes through x509 credentials, checked against h2's address")
                .containsPattern("\"tls-creds\":\"[^\"]+\"").contains("\"tls-hostname\":\"10.231.0.2\"");
        assertThat(h1.cancelMigration(spec.id())).isTrue();
        assertThat(migration.get(60, TimeUnit.SECONDS).outcome()).isEqualTo(MigrationOutcome.CANCELLED);
        assertThat(h1.findVm(spec.id())).hasValueSatisfying(vm -> assertThat(vm.state()).isEqualTo(GuestState.RUNNING));
        assertGuestTicksOn(spec);
        h1.ensureStopped(spec.id());
    }

    @Test
    void aDestinationWhoseCertificateIsNotFromTheCaIsRefused() throws IOException {
        VmSpec spec = startTickingGuest("stranger-it");
        LabHost host2 = lab.host("h2");
        HostCertificates stranger = new HostCertificates("CN=a stranger's CA");
        try {
            stranger.issue(host2.address()).writeTo(pki(host2));
            assertThat(pki(host2).reload(host2.libvirtUri())).as("libvirtd reloads its TLS files").isEmpty();

            MigrationResult refused = timed("h1 -> h2 of a stranger's CA", () -> h1.migrate(spec.id(), H2_URI, MigrationPolicy.defaults(), ignored -> { }));

            assertThat(refused.outcome()).isEqualTo(MigrationOutcome.FAILED);
            assertThat(refused.message()).containsIgnoringCase("certificate");
            assertThat(h1.findVm(spec.id())).hasValueSatisfying(vm -> assertThat(vm.state()).isEqualTo(GuestState.RUNNING));
            assertThat(h2.findVm(spec.id())).isEmpty();
            assertGuestTicksOn(spec);
        }
        finally {
            CA.issue(host2.address()).writeTo(pki(host2));
            assertThat(pki(host2).reload(host2.libvirtUri())).isEmpty();
        }
        MigrationResult accepted = h1.migrate(spec.id(), H2_URI, MigrationPolicy.defaults(), ignored -> { });
        assertThat(accepted.outcome()).as("with a certificate of the CA again, after a reload and no restart").isEqualTo(MigrationOutcome.COMPLETED);
        h2.ensureStopped(spec.id());
    }

    /**
     * The migration parameters QEMU itself holds for the guest on this host (QMP
     * query-migrate-parameters): while a migration runs, tls-creds names the x509 credentials the
     * data stream goes through, and tls-hostname the name the destination's certificate must have.
     */
    private static String qemuMigrationParameters(LabHost host, VmSpec spec) {
        return host.virsh("qemu-monitor-command", spec.name(), "{\"execute\":\"query-migrate-parameters\"}");
    }

    /** A benchmark, not a test: -Dvireo.bench.migrations=N migrates an idle guest N times each way and prints the figures. */
    @Test
    @EnabledIfSystemProperty(named = "vireo.bench.migrations", matches = "\\d+")
    void benchmarkBackAndForth() throws IOException {
        int rounds = Integer.getInteger("vireo.bench.migrations");
        VmSpec spec = startTickingGuest("bench-it");
        List<long[]> figures = new ArrayList<>();
        for (int i = 0; i < 2 * rounds; i++) {
            boolean fromH1 = i % 2 == 0;
            MigrationResult result = timed(fromH1 ? "h1 -> h2" : "h2 -> h1", () -> (fromH1 ? h1 : h2)
                    .migrate(spec.id(), fromH1 ? H2_URI : H1_URI, MigrationPolicy.defaults(), ignored -> { }));
            assertThat(result.outcome()).isEqualTo(MigrationOutcome.COMPLETED);
            figures.add(new long[] {result.downtimeMs(), result.totalMs(), lastWallMillis});
        }
        System.out.printf("BENCH %d live migrations of an idle 128 MiB TCG guest (max downtime %d ms):%n",
                figures.size(), MigrationPolicy.defaults().maxDowntimeMs());
        printSpread("downtime (libvirt)", figures, 0);
        printSpread("total (libvirt time_elapsed)", figures, 1);
        printSpread("wall (migrate call)", figures, 2);
        assertGuestTicksOn(spec);
        (h1.findVm(spec.id()).isPresent() ? h1 : h2).ensureStopped(spec.id());
    }

    private static LibvirtPki pki(LabHost host) {
        return new LibvirtPki(host.pkiDir(), Optional.empty());
    }

    private static void printSpread(String what, List<long[]> figures, int column) {
        long[] sorted = figures.stream().mapToLong(row -> row[column]).sorted().toArray();
        System.out.printf("BENCH   %-30s min %5d ms  median %5d ms  max %5d ms%n", what, sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]);
    }

    private static long lastWallMillis;

    private static MigrationResult timed(String what, Supplier<MigrationResult> migration) {
        long started = System.nanoTime();
        MigrationResult result = migration.get();
        lastWallMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("MIGRATION %-32s %-9s downtime %4d ms, total %5d ms (libvirt), wall %5d ms, %d MiB sent%s%n", what, result.outcome(),
                result.downtimeMs(), result.totalMs(), lastWallMillis, result.dataTransferredBytes() >> 20,
                result.message().isEmpty() ? "" : " (" + result.message() + ")");
        return result;
    }

    private static VmSpec startTickingGuest(String name) {
        String domain = lab.storageDir().toString();
        try {
            // both hosts see the lab's shared storage at the same path: it plays the storage domain
            guest.installBootFiles(lab.storageDir());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        VmSpec spec = new VmSpec(UUID.randomUUID(), name, 1, 128, List.of(),
                new KernelBoot(new BootFileLocation(domain, GuestImage.KERNEL_FILE), new BootFileLocation(domain, GuestImage.INITRD_FILE),
                        guest.kernelCmdline()), Graphics.NONE);
        h1.ensureRunning(spec);
        await().atMost(BOOT_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> lastTick(spec) >= 2);
        return spec;
    }

    /** The guest prints a tick every second; two more after this point prove it runs where it is now. */
    private static void assertGuestTicksOn(VmSpec spec) throws IOException {
        int before = lastTick(spec);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> lastTick(spec) >= before + 2);
    }

    private static int lastTick(VmSpec spec) throws IOException {
        Path log = lab.consoleDir().resolve(spec.id() + ".log");
        if (!Files.exists(log)) {
            return -1;
        }
        Matcher matcher = TICK.matcher(Files.readString(log, UTF_8));
        int last = -1;
        while (matcher.find()) {
            last = Integer.parseInt(matcher.group(1));
        }
        return last;
    }

    private static List<GuestState> statesOf(List<VmObservation> changes, VmSpec spec) {
        return changes.stream().filter(change -> change.id().equals(spec.id())).map(VmObservation::state).toList();
    }
}
