package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.GuestState;
import io.vireo.model.rpc.VmObservation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import java.util.UUID;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.vireo.model.rpc.GuestState.MIGRATED;
import static io.vireo.model.rpc.GuestState.PAUSED;
import static io.vireo.model.rpc.GuestState.RUNNING;
import static io.vireo.model.rpc.GuestState.SHUTOFF;
import static io.vireo.model.rpc.GuestState.SHUTTING_DOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class VmStateMonitorTest {
    private final FakeHost host = new FakeHost();
    private final AtomicLong clock = new AtomicLong();
    private final VmStateMonitor monitor = new VmStateMonitor(host, clock::get);
    private final List<VmObservation> seen = new CopyOnWriteArrayList<>();

    VmStateMonitorTest() {
        monitor.addListener(seen::add);
    }

    @AfterEach
    void close() {
        monitor.close();
    }

    @Test
    void theFirstPollOnlyLearns() {
        host.run("a", RUNNING);

        monitor.poll();

        assertThat(seen).isEmpty();
    }

    @Test
    void pollsAnnounceChangesAndVanishedVms() {
        host.run("a", RUNNING);
        host.run("b", RUNNING);
        monitor.poll();

        host.run("a", PAUSED);
        host.vanish("b");
        host.run("c", RUNNING);
        monitor.poll();
        monitor.poll();

        assertThat(states()).containsExactly("a=paused", "c=running", "b=shutoff");
    }

    @Test
    void anEventAsksTheHostForTheTruth() {
        monitor.poll();
        host.run("a", PAUSED);

        monitor.handleEvent(id("a"), "vm-a", RUNNING);

        assertThat(states()).containsExactly("a=paused");
    }

    @Test
    void aStoppedEventNeedsNoLookup() {
        host.run("a", RUNNING);
        monitor.poll();
        host.failing = true;

        monitor.handleEvent(id("a"), "vm-a", SHUTOFF);

        assertThat(states()).containsExactly("a=shutoff");
    }

    @Test
    void whenTheHostCannotBeAskedTheEventDecides() {
        monitor.poll();
        host.failing = true;

        monitor.handleEvent(id("a"), "vm-a", SHUTTING_DOWN);
        monitor.handleEvent(id("a"), "vm-a", null);

        assertThat(states()).containsExactly("a=shutting_down");
    }

    @Test
    void eventsAndPollsDoNotRepeatEachOther() {
        host.run("a", RUNNING);
        monitor.poll();

        host.vanish("a");
        monitor.handleEvent(id("a"), "vm-a", SHUTOFF);
        monitor.poll();
        monitor.handleEvent(id("a"), "vm-a", SHUTOFF);

        assertThat(states()).containsExactly("a=shutoff");
    }

    @Test
    void aVmStartedAgainIsAnnouncedAgain() {
        host.run("a", RUNNING);
        monitor.poll();

        host.vanish("a");
        monitor.poll();
        host.run("a", RUNNING);
        monitor.handleEvent(id("a"), "vm-a", RUNNING);

        assertThat(states()).containsExactly("a=shutoff", "a=running");
    }

    @Test
    void aFailedPollIsNotAHostWithoutVms() {
        host.run("a", RUNNING);
        monitor.poll();
        host.failing = true;
        int listedBefore = host.listings();

        monitor.start(Duration.ofMillis(10));
        monitor.resync();
        // several polls have failed (and were handled to the end: the monitor's thread is idle after them)
        await().until(() -> host.listings() >= listedBefore + 3);
        monitor.awaitIdle();
        assertThat(seen).as("a poll that failed announced VMs as gone").isEmpty();

        // and the monitor still polls: once libvirt answers, a real change is announced
        host.run("a", PAUSED);
        host.failing = false;
        await().until(() -> states().equals(List.of("a=paused")));
    }

    @Test
    void eventsArriveOnTheMonitorThread() {
        host.run("a", RUNNING);

        monitor.eventReceived(id("a"), "vm-a", RUNNING);

        await().until(() -> !seen.isEmpty());
        assertThat(states()).containsExactly("a=running");
    }

    @Test
    void forgetsShutoffVmsAfterAWhile() {
        host.run("a", RUNNING);
        monitor.poll();
        host.vanish("a");
        monitor.poll();

        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        monitor.poll();
        monitor.handleEvent(id("a"), "vm-a", SHUTOFF);

        assertThat(states()).containsExactly("a=shutoff", "a=shutoff");
    }

    @Test
    void aFailingListenerDoesNotSilenceTheOthers() {
        List<VmObservation> others = new ArrayList<>();
        VmStateMonitor monitorWithBadListener = new VmStateMonitor(host, clock::get);
        monitorWithBadListener.addListener(observation -> {
            throw new IllegalStateException("listener bug");
        });
        monitorWithBadListener.addListener(others::add);
        host.run("a", RUNNING);

        monitorWithBadListener.handleEvent(id("a"), "vm-a", RUNNING);

        assertThat(others).hasSize(1);
        monitorWithBadListener.close();
    }

    @Test
    void aVmThatLeavesByMigrationIsMigratedNeverShutoff() {
        host.run("a", RUNNING);
        monitor.poll();
        monitor.departureExpected(id("a"));

        host.run("a", PAUSED);
        monitor.handleEvent(id("a"), "vm-a", PAUSED);
        host.vanish("a");
        monitor.poll();
        monitor.handleEvent(id("a"), "vm-a", null);
        monitor.handleEvent(id("a"), "vm-a", MIGRATED);
        monitor.departureEnded(id("a"), true);
        monitor.awaitIdle();
        monitor.poll();

        assertThat(states()).containsExactly("a=migrated");
    }

    @Test
    void theEndOfTheMigrationTellsWhenNoEventDid() {
        host.run("a", RUNNING);
        monitor.poll();
        monitor.departureExpected(id("a"));
        host.vanish("a");
        monitor.poll();

        monitor.departureEnded(id("a"), true);

        await().until(() -> states().equals(List.of("a=migrated")));
        monitor.poll();
        assertThat(states()).containsExactly("a=migrated");
    }

    @Test
    void afterAFailedMigrationThePollTellsHowTheVmIs() {
        host.run("a", RUNNING);
        monitor.poll();
        monitor.departureExpected(id("a"));
        host.run("a", PAUSED);
        monitor.handleEvent(id("a"), "vm-a", PAUSED);

        monitor.departureEnded(id("a"), false);

        await().until(() -> states().equals(List.of("a=paused")));
    }

    @Test
    void aVmMigratedBackIsAnnouncedAgain() {
        host.run("a", RUNNING);
        monitor.poll();
        host.vanish("a");
        monitor.handleEvent(id("a"), "vm-a", MIGRATED);

        host.run("a", RUNNING);
        monitor.handleEvent(id("a"), "vm-a", RUNNING);

        assertThat(states()).containsExactly("a=migrated", "a=running");
    }

    private List<String> states() {
        return seen.stream().map(observation -> letter(observation.id()) + "=" + observation.state().name().toLowerCase()).toList();
    }

    /** The test names its VMs a, b, ...: their ids are derived from the letter. */
    private static UUID id(String letter) {
        return UUID.nameUUIDFromBytes(letter.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String letter(UUID id) {
        for (char c = 'a'; c <= 'z'; c++) {
            if (id(String.valueOf(c)).equals(id)) {
                return String.valueOf(c);
            }
        }
        return id.toString();
    }

    /** A host whose VMs the test sets by hand. */
    private static final class FakeHost implements VmStateMonitor.Source {
        private final Map<UUID, VmObservation> vms = new LinkedHashMap<>();
        private final AtomicInteger listings = new AtomicInteger();
        volatile boolean failing;

        synchronized void run(String letter, GuestState state) {
            vms.put(id(letter), new VmObservation(id(letter), "vm-" + letter, state, -1, -1, 0, 131072, 1));
        }

        synchronized void vanish(String letter) {
            vms.remove(id(letter));
        }

        /** How often the monitor asked for the whole list, answered or not. */
        int listings() {
            return listings.get();
        }

        @Override
        public synchronized List<VmObservation> listVms() {
            listings.incrementAndGet();
            failIfAsked();
            return List.copyOf(vms.values());
        }

        @Override
        public synchronized Optional<VmObservation> findVm(UUID vmId) {
            failIfAsked();
            return Optional.ofNullable(vms.get(vmId));
        }

        private void failIfAsked() {
            if (failing) {
                throw new HypervisorException("libvirtd is not answering", null);
            }
        }
    }
}
