package io.vireo.agent.hypervisor;

import org.libvirt.Connect;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The agent's one connection to libvirtd: opened on first use, reopened on the next call after
 * libvirtd went away (a restart re-attaches running guests, so the agent simply carries on), and
 * every use of it bounded in time.
 */
final class LibvirtConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LibvirtConnection.class);

    /** Work done with the connection; it may make several libvirt calls, all under one deadline. */
    @FunctionalInterface
    interface Work<T> {
        T apply(NativeConnect connect) throws LibvirtException;
    }

    private final String uri;
    private final BoundedCalls calls;
    private final Consumer<Connect> onOpen;
    private final Consumer<Connect> beforeClose;
    private final Object lock = new Object();
    private NativeConnect connect;
    private boolean closed;

    /**
     * @param onOpen runs on every newly opened connection (first or reopened), e.g. to register
     *     event listeners, which do not survive a reconnect
     * @param beforeClose runs before the connection is closed for good, e.g. to deregister them
     */
    LibvirtConnection(String uri, Duration callTimeout, Consumer<Connect> onOpen, Consumer<Connect> beforeClose) {
        this.uri = requireNonNull(uri, "uri");
        this.onOpen = requireNonNull(onOpen, "onOpen");
        this.beforeClose = requireNonNull(beforeClose, "beforeClose");
        this.calls = new BoundedCalls("libvirt-call", callTimeout);
        LibvirtEventLoop.ensureStarted();
    }

    String uri() {
        return uri;
    }

    /**
     * Runs the work with the connection, within the call timeout. When the connection turns out to
     * be dead, the work runs once more on a fresh one: every Hypervisor operation is idempotent.
     */
    <T> T call(String what, Work<T> work) {
        return calls.run(what, () -> {
            NativeConnect current = current();
            try {
                return work.apply(current);
            }
            catch (LibvirtException e) {
                if (isAlive(current)) {
                    throw failure(what, e);
                }
                log.info("libvirt connection to {} was lost ({}); reconnecting", uri, e.getMessage());
                invalidate(current);
            }
            try {
                return work.apply(current());
            }
            catch (LibvirtException e) {
                throw failure(what, e);
            }
        });
    }

    /**
     * Starts work that blocks for minutes (a migration) on a thread of its own, without the call
     * timeout and without the retry on a fresh connection: repeating it half-way is not safe. The
     * caller bounds the wait; like any libvirt call, the thread may stay stuck in native code.
     */
    <T> Future<T> startLong(String what, Work<T> work) {
        NativeConnect current = calls.run("connecting for " + what, this::current);
        FutureTask<T> task = new FutureTask<>(() -> {
            try {
                return work.apply(current);
            }
            catch (LibvirtException e) {
                if (!isAlive(current)) {
                    invalidate(current);
                }
                throw failure(what, e);
            }
        });
        Thread.ofPlatform().daemon().name("libvirt-long-call").start(task);
        return task;
    }

    static boolean isNoSuchDomain(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN;
    }

    static boolean isNotRunning(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_OPERATION_INVALID;
    }

    static HypervisorException failure(String what, LibvirtException e) {
        return new HypervisorException(what + " failed: " + message(e), e, isNoSuchDomain(e));
    }

    static String message(LibvirtException e) {
        return e.getError() == null || e.getError().getMessage() == null ? e.getMessage() : e.getError().getMessage();
    }

    private NativeConnect current() {
        synchronized (lock) {
            if (closed) {
                throw new HypervisorException("the hypervisor connection is closed", null);
            }
            if (connect == null) {
                connect = open();
            }
            return connect;
        }
    }

    private NativeConnect open() {
        NativeConnect opened = openConnect(uri, false);
        try {
            opened.registerCloseListener((ignored, reason) -> {
                log.info("libvirt closed the connection to {}: {}", uri, reason);
                invalidate(opened);
            });
        }
        catch (LibvirtException e) {
            log.warn("cannot watch the libvirt connection for closing: {}", e.getMessage());
        }
        onOpen.accept(opened);
        return opened;
    }

    static NativeConnect openConnect(String uri, boolean readOnly) {
        try {
            return new NativeConnect(uri, readOnly);
        }
        catch (LibvirtException e) {
            throw new HypervisorException("cannot connect to libvirt at " + uri + ": " + message(e), e);
        }
    }

    private void invalidate(Connect dead) {
        synchronized (lock) {
            if (connect != dead) {
                return;
            }
            connect = null;
        }
        // Off the caller's thread: closing may wait on the daemon that is misbehaving.
        Thread.ofPlatform().daemon().name("libvirt-close").start(() -> closeQuietly(dead));
    }

    private static boolean isAlive(Connect connect) {
        try {
            return connect.isAlive();
        }
        catch (LibvirtException e) {
            return false;
        }
    }

    static void closeQuietly(Connect connect) {
        try {
            connect.close();
        }
        catch (LibvirtException | RuntimeException e) {
            log.debug("closing a libvirt connection failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        Connect last;
        synchronized (lock) {
            closed = true;
            last = connect;
            connect = null;
        }
        if (last != null) {
            try {
                calls.run("closing the libvirt connection", () -> {
                    beforeClose.accept(last);
                    closeQuietly(last);
                    return null;
                });
            }
            catch (HypervisorException e) {
                log.warn("{}", e.getMessage());
            }
        }
        calls.close();
    }
}
