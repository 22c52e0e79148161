package io.vireo.agent.hypervisor;

import org.libvirt.Connect;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop, which is process-wide in libvirt itself: one thread for the whole
 * JVM, started before the first connection is opened (a connection opened earlier gets neither
 * events nor keepalive). It also carries the client side of libvirt's keepalive, which is what
 * notices a dead or frozen daemon on an idle connection.
 */
final class LibvirtEventLoop {
    private static final Logger log = LoggerFactory.getLogger(LibvirtEventLoop.class);

    // Held in a field for ever: JNA would otherwise let the native callback be collected.
    private static final Libvirt.VirErrorCallback QUIET_ERRORS =
            (userData, error) -> log.debug("libvirt: {}", error.message);

    private static boolean started;

    private LibvirtEventLoop() {
    }

    static synchronized void ensureStarted() {
        if (started) {
            return;
        }
        try {
            // libvirt prints every error on stderr unless told otherwise; the agent reports them itself.
            Connect.setErrorCallback(QUIET_ERRORS);
            Library.initEventLoop();
        }
        catch (LibvirtException e) {
            throw new HypervisorException("cannot start the libvirt event loop: " + e.getMessage(), e);
        }
        Thread thread = new Thread(LibvirtEventLoop::run, "libvirt-event-loop");
        thread.setDaemon(true);
        thread.start();
        started = true;
    }

    private static void run() {
        while (true) {
            try {
                Library.processEvent();
            }
            catch (LibvirtException e) {
                log.warn("libvirt event loop iteration failed: {}", e.getMessage());
                pause();
            }
            catch (RuntimeException e) {
                // A listener's bug must not end event delivery for the whole process.
                log.error("unexpected failure in the libvirt event loop", e);
                pause();
            }
        }
    }

    /** Keeps a persistent failure from spinning a core. */
    private static void pause() {
        try {
            Thread.sleep(100);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
