package io.vireo.agent.hypervisor;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Runs blocking calls on worker threads and gives up waiting after a timeout. A call into a
 * stopped libvirtd never returns, and a thread stuck in native code cannot be interrupted, so
 * the caller must stop waiting while the worker stays stuck; the pool is capped so that a dead
 * daemon cannot eat every thread of the agent.
 */
final class BoundedCalls implements AutoCloseable {
    static final int MAX_THREADS = 64;

    private final Duration timeout;
    private final ThreadPoolExecutor executor;

    BoundedCalls(String threadName, Duration timeout) {
        requireNonNull(threadName, "threadName");
        this.timeout = requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        AtomicInteger counter = new AtomicInteger();
        // Platform threads: a virtual thread blocked in a JNA call would pin its carrier anyway.
        this.executor = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, threadName + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * Runs the task and answers its result; a RuntimeException from the task is rethrown as is.
     *
     * @param what what the call does, for a person reading the error
     */
    <T> T run(String what, Callable<T> task) {
        Future<T> future;
        try {
            future = executor.submit(task);
        }
        catch (RejectedExecutionException e) {
            throw new HypervisorException(what + ": " + MAX_THREADS + " earlier calls still hang; is libvirtd stopped?", e);
        }
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException e) {
            future.cancel(true);
            throw new HypervisorException(what + " did not finish within " + timeout.toMillis() + " ms; is libvirtd responding?", e);
        }
        catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new HypervisorException(what + " was interrupted", e);
        }
        catch (ExecutionException e) {
            throw rethrow(what, e.getCause());
        }
    }

    private static RuntimeException rethrow(String what, Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new HypervisorException(what + " failed: " + cause.getMessage(), cause);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
