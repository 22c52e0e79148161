package io.vireo.agent.hypervisor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedCallsTest {
    @Test
    void answersTheResult() {
        try (BoundedCalls calls = new BoundedCalls("test", Duration.ofSeconds(5))) {
            assertThat(calls.run("adding", () -> 1 + 1)).isEqualTo(2);
        }
    }

    @Test
    void givesUpOnACallThatHangs() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        try (BoundedCalls calls = new BoundedCalls("test", Duration.ofMillis(200))) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> calls.run("listing VMs", () -> {
                never.await();
                return null;
            }))
                    .isInstanceOf(HypervisorException.class)
                    .hasMessageContaining("listing VMs did not finish within 200 ms");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
        finally {
            never.countDown();
        }
    }

    @Test
    void passesRuntimeExceptionsThrough() {
        try (BoundedCalls calls = new BoundedCalls("test", Duration.ofSeconds(5))) {
            HypervisorException failure = HypervisorException.noSuchVm(UUID.randomUUID());

            assertThatThrownBy(() -> calls.run("stopping", () -> {
                throw failure;
            })).isSameAs(failure);
        }
    }

    @Test
    void wrapsCheckedExceptions() {
        try (BoundedCalls calls = new BoundedCalls("test", Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> calls.run("reading", () -> {
                throw new IOException("disk on fire");
            }))
                    .isInstanceOf(HypervisorException.class)
                    .hasMessage("reading failed: disk on fire");
        }
    }

    @Test
    void refusesWhenTooManyCallsHang() {
        CountDownLatch never = new CountDownLatch(1);
        try (BoundedCalls calls = new BoundedCalls("test", Duration.ofMillis(20))) {
            for (int i = 0; i < BoundedCalls.MAX_THREADS; i++) {
                assertThatThrownBy(() -> calls.run("hanging", () -> hangLikeNativeCode(never)))
                        .hasMessageContaining("did not finish");
            }

            assertThatThrownBy(() -> calls.run("one more", () -> 1))
                    .isInstanceOf(HypervisorException.class)
                    .hasMessageContaining("earlier calls still hang");
        }
        finally {
            never.countDown();
        }
    }

    /** A thread in a JNA call ignores interrupts; so does this. */
    private static Object hangLikeNativeCode(CountDownLatch latch) {
        while (latch.getCount() > 0) {
            try {
                latch.await();
            }
            catch (InterruptedException ignored) {
                // as native code would: carry on waiting
            }
        }
        return null;
    }
}
