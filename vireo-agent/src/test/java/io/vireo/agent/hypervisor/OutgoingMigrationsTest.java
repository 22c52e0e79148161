package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.MigrationOutcome;
import io.vireo.model.rpc.MigrationPhase;
import io.vireo.model.rpc.MigrationPolicy;
import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.MigrationResult;
import org.junit.jupiter.api.Test;
import java.util.UUID;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import static io.vireo.agent.hypervisor.FakeMigrationDriver.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class OutgoingMigrationsTest {
    private static final UUID VM = UUID.fromString("0b6c6a52-34c4-4b8e-9a51-3a1f4bd0c6a1");
    private static final String DESTINATION = "qemu+tls://host2/system";

    private final FakeMigrationDriver driver = new FakeMigrationDriver();
    private final List<String> departures = new CopyOnWriteArrayList<>();
    private final OutgoingMigrations migrations = new OutgoingMigrations(driver, new OutgoingMigrations.Departures() {
        @Override
        public void departureExpected(UUID vmId) {
            departures.add("expected");
        }

        @Override
        public void departureEnded(UUID vmId, boolean departed) {
            departures.add(departed ? "departed" : "stayed");
        }
    }, Duration.ofMillis(1), driver.clock::get);
    private final List<MigrationProgress> progress = new CopyOnWriteArrayList<>();
    private final Consumer<MigrationProgress> listener = progress::add;

    private static MigrationPolicy policy(boolean postCopy) {
        return new MigrationPolicy(50, 0, false, postCopy, List.of(200, 500), 2);
    }

    @Test
    void aConvergingMigrationCompletesWithTheDestinationsFigures() {
        driver.script(800, 1);
        driver.script(300, 1);
        driver.script(10, 1);

        MigrationResult result = migrations.migrate(VM, DESTINATION, policy(false), listener);

        assertThat(result).isEqualTo(new MigrationResult(MigrationOutcome.COMPLETED, 42, 640, 70 * MIB, false, ""));
        assertThat(driver.downtimesSet).containsExactly(50);
        assertThat(progress).extracting(MigrationProgress::phase).containsExactly(MigrationPhase.STARTING, MigrationPhase.PRECOPY, MigrationPhase.PRECOPY, MigrationPhase.PRECOPY, MigrationPhase.COMPLETED);
        assertThat(progress).extracting(MigrationProgress::percent).containsExactly(0, 21, 70, 99, 100);
        assertThat(progress.get(1).currentMaxDowntimeMs()).isEqualTo(50);
        assertThat(departures).containsExactly("expected", "departed");
        assertThat(migrations.status(VM)).isEmpty();
    }

    @Test
    void aStalledMigrationRaisesItsDowntimeThenAbortsAndTheVmStays() {
        driver.script(300, 20);

        MigrationResult result = migrations.migrate(VM, DESTINATION, policy(false), listener);

        assertThat(result.outcome()).isEqualTo(MigrationOutcome.FAILED);
        assertThat(result.message()).startsWith("did not converge: 300 MiB still to send");
        assertThat(result.downtimeMs()).isEqualTo(-1);
        assertThat(driver.downtimesSet).containsExactly(50, 200, 500);
        assertThat(driver.calls).containsExactly("start " + DESTINATION, "abortJob");
        assertThat(departures).containsExactly("expected", "stayed");
    }

    @Test
    void aStalledMigrationSwitchesToPostCopyWhenAllowed() {
        driver.script(300, 16);

        MigrationResult result = migrations.migrate(VM, DESTINATION, policy(true), listener);

        assertThat(result.outcome()).isEqualTo(MigrationOutcome.COMPLETED);
        assertThat(result.postCopy()).isTrue();
        assertThat(driver.calls).containsExactly("start " + DESTINATION, "startPostCopy");
        assertThat(progress).extracting(MigrationProgress::phase).contains(MigrationPhase.POSTCOPY);
    }

    @Test
    void aFailedSwitchToPostCopyAbortsWithTheReason() {
        driver.script(300, 20);
        driver.postCopyFails = true;

        MigrationResult result = migrations.migrate(VM, DESTINATION, policy(true), listener);

        assertThat(result.outcome()).isEqualTo(MigrationOutcome.FAILED);
        assertThat(result.message()).isEqualTo("did not converge, and switching to post-copy failed: internal error: Postcopy is not supported");
        assertThat(driver.calls).containsExactly("start " + DESTINATION, "startPostCopy", "abortJob");
    }

    @Test
    void aCancelEndsTheMigrationAsCancelled() throws Exception {
        driver.script(900, 3);
        driver.endless = true;
        MigrationPolicy patient = new MigrationPolicy(50, 1, false, false, List.of(), 3600);
        CompletableFuture<MigrationResult> running = CompletableFuture.supplyAsync(() -> migrations.migrate(VM, DESTINATION, patient, listener));
        await().until(() -> progress.size() > 2);

        assertThat(migrations.status(VM)).hasValueSatisfying(status -> assertThat(status.phase()).isEqualTo(MigrationPhase.PRECOPY));
        assertThat(migrations.cancel(VM)).isTrue();

        MigrationResult result = running.get();
        assertThat(result.outcome()).isEqualTo(MigrationOutcome.CANCELLED);
        assertThat(result.message()).contains("runs on the source");
        assertThat(migrations.cancel(VM)).isFalse();
        assertThat(migrations.status(VM)).isEmpty();
    }

    @Test
    void aRepeatedCallWaitsForTheMigrationInFlightAndItsProgressGoesOutOnce() throws Exception {
        driver.script(500, 5);
        driver.gate = new CountDownLatch(1);
        CompletableFuture<MigrationResult> first = CompletableFuture.supplyAsync(() -> migrations.migrate(VM, DESTINATION, policy(false), listener));
        await().until(() -> migrations.status(VM).isPresent());
        CompletableFuture<MigrationResult> repeated = CompletableFuture.supplyAsync(() -> migrations.migrate(VM, DESTINATION, policy(false), listener));
        assertThatThrownBy(() -> migrations.migrate(VM, "qemu+tls://host3/system", policy(false), listener))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining("migrating to " + DESTINATION + " already");

        driver.gate.countDown();

        assertThat(repeated.get()).isEqualTo(first.get());
        assertThat(first.get().outcome()).isEqualTo(MigrationOutcome.COMPLETED);
        assertThat(driver.calls).containsExactly("start " + DESTINATION);
        assertThat(progress).extracting(MigrationProgress::phase).containsOnlyOnce(MigrationPhase.COMPLETED);
    }

    @Test
    void aVmOnTheDestinationAlreadyCountsAsMigrated() {
        driver.runsHere = false;
        driver.runsOnDestination = true;

        MigrationResult result = migrations.migrate(VM, DESTINATION, policy(false), listener);

        assertThat(result.outcome()).isEqualTo(MigrationOutcome.COMPLETED);
        assertThat(result.downtimeMs()).isEqualTo(42);
        assertThat(driver.calls).isEmpty();
    }

    @Test
    void aVmThatRunsNowhereIsNoSuchVm() {
        driver.runsHere = false;

        assertThatThrownBy(() -> migrations.migrate(VM, DESTINATION, policy(false), listener))
                .isInstanceOfSatisfying(HypervisorException.class, e -> assertThat(e.isNoSuchVm()).isTrue());
    }

    @Test
    void aMigrationLibvirtRunsAlreadyIsAdoptedNotStartedAgain() {
        driver.libvirtJobRunning = true;
        driver.script(400, 2);

        assertThat(migrations.status(VM)).hasValueSatisfying(status -> assertThat(status.currentMaxDowntimeMs()).isEqualTo(300));
        MigrationResult result = migrations.migrate(VM, DESTINATION, policy(false), listener);

        assertThat(result.outcome()).isEqualTo(MigrationOutcome.COMPLETED);
        assertThat(driver.calls).isEmpty();
        assertThat(departures).containsExactly("expected", "departed");
    }

    @Test
    void aMigrationThatFailsLeavesTheVmWhereItWasAndSaysWhy() {
        driver.script(500, 1);
        driver.failure = "unable to connect to server at '10.0.0.2:49152': Connection refused";

        MigrationResult result = migrations.migrate(VM, DESTINATION, policy(false), listener);

        assertThat(result.outcome()).isEqualTo(MigrationOutcome.FAILED);
        assertThat(result.message()).isEqualTo(driver.failure);
        assertThat(departures).containsExactly("expected", "stayed");
    }

    @Test
    void theOverallTimeoutGrowsWithTheDataAtTheBandwidthLimit() {
        assertThat(LiveMigration.timeoutFor(16L << 30, 0)).isEqualTo(LiveMigration.MINIMUM_TIMEOUT);
        assertThat(LiveMigration.timeoutFor(128 * MIB, 1)).isEqualTo(LiveMigration.MINIMUM_TIMEOUT);
        assertThat(LiveMigration.timeoutFor(16L << 30, 1)).isEqualTo(Duration.ofSeconds(3 * 16 * 1024));
    }
}
