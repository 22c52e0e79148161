package io.vireo.engine.console;

import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.common.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.model.ConsoleTicket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Console tickets (POST /api/vms/{id}/ticket), remote-viewer files made of one
 * (/api/vms/{id}/remoteviewerconnectionfile), the browser console page at /console/ (noVNC) and the
 * VNC-over-WebSocket proxy at /console/vnc: the ticket's token admits one connection. The display
 * (QEMU with vnc_tls) speaks only TLS with x509 client certificates: the proxy does that part itself
 * ({@link VncTlsHandshake}), passes the VNC authentication between browser and QEMU, and then relays
 * bytes both ways over the TLS connection.
 */
public final class ConsoleResource implements Consumer<RouteTable> {
    private static final Logger log = LoggerFactory.getLogger(ConsoleResource.class);
    private static final String TARGET = "vireo.console.target";

    private final Optional<String> spiceProxy;
    private final io.vireo.engine.auth.PermissionService permissions;
    private final ConsoleAccessWatch access;
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    private static final java.time.Duration HANDSHAKE_STEP_TIMEOUT = java.time.Duration.ofSeconds(15);

    private final ConsoleTickets tickets;
    private final DisplayTls displayTls;
    private final Map<String, ConsoleConnection> connections = new ConcurrentHashMap<>();

    /** @param displayTls how the proxy and the viewers speak TLS to the displays */
    public ConsoleResource(ConsoleTickets tickets, DisplayTls displayTls, Optional<String> spiceProxy,
                           io.vireo.engine.auth.PermissionService permissions, ConsoleAccessWatch access) {
        this.tickets = requireNonNull(tickets, "tickets");
        this.displayTls = requireNonNull(displayTls, "displayTls");
        this.access = requireNonNull(access, "access");
        this.spiceProxy = requireNonNull(spiceProxy, "spiceProxy");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.post("/api/vms/{id}/ticket", "A one-time console ticket (the display's password; for VNC a WebSocket "
                + "proxy path), valid {\"expirySeconds\"} (default 120)", 200, RequestBody.optional(ConsoleTicket.Request.class),
                ctx -> ctx.json(issue(ctx)));
        // the same ticket as above, issued the same way, written as a file remote-viewer opens
        routes.get("/api/vms/{id}/remoteviewerconnectionfile", "A remote-viewer (.vv) file with a new one-time "
                + "console ticket (SPICE or VNC)", this::remoteViewerFile);
        routes.post("/api/vms/{id}/remoteviewerconnectionfile", "The same as GET, for clients that POST actions", 200,
                RequestBody.optional(ConsoleTicket.Request.class), this::remoteViewerFile);
        routes.raw().wsBeforeUpgrade("/console/vnc", this::admit);
        routes.raw().ws("/console/vnc", ws -> {
            ws.onConnect(this::connect);
            ws.onBinaryMessage(ctx -> forward(ctx.sessionId(), ctx.data()));
            ws.onClose(ctx -> closeDisplay(ctx.sessionId()));
            ws.onError(ctx -> closeDisplay(ctx.sessionId()));
        });
    }

    /** Both ways to a console (ticket, .vv file) pass here: VM_CONSOLE on the VM, then a new ticket. */
    private ConsoleTicket issue(Context ctx) {
        UUID vmId = Fields.id("id", ctx.pathParam("id"));
        requireConsole(ctx, vmId);
        return tickets.issue(vmId, ApiServer.optionalBody(ctx, ConsoleTicket.Request.class), ApiServer.principal(ctx));
    }

    private void requireConsole(Context ctx, UUID vmId) {
        permissions.require(ApiServer.principal(ctx), io.vireo.model.Permission.VM_CONSOLE,
                io.vireo.engine.auth.ObjectRef.vm(vmId));
    }

    private void remoteViewerFile(Context ctx) {
        UUID vmId = Fields.id("id", ctx.pathParam("id"));
        requireConsole(ctx, vmId);
        // the request is checked first (a bad one is the client's mistake whatever the display), then, before the
        // ticket, whether the display can have a file at all: a refused file sets no password
        ConsoleTicket.Request request = ApiServer.optionalBody(ctx, ConsoleTicket.Request.class);
        ConsoleTickets.expirySeconds(request);
        tickets.refuseVncViewerFile(vmId);
        ConsoleTicket ticket = tickets.issue(vmId, request, ApiServer.principal(ctx));
        RemoteViewerFile file = new RemoteViewerFile(tickets.display(vmId), ticket, spiceProxy, displayTls.caPem());
        ctx.contentType(RemoteViewerFile.CONTENT_TYPE)
                .header("Content-Disposition", "attachment; filename=\"" + file.fileName() + "\"")
                .header("Cache-Control", "no-store")
                .result(file.text());
    }

    private void admit(Context ctx) {
        var target = tickets.redeem(ctx.queryParam("token"));
        if (target.isEmpty()) {
            ctx.status(403).result("the console ticket is not valid: unknown, used already, or expired");
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.attribute(TARGET, target.get());
    }

    private void connect(WsContext ctx) {
        ConsoleTickets.Target target = ctx.attribute(TARGET);
        if (target == null) {
            ctx.closeSession();
            return;
        }
        ctx.session.setIdleTimeout(java.time.Duration.ofHours(8));
        ConsoleConnection connection = new ConsoleConnection(ctx);
        connections.put(ctx.sessionId(), connection);
        access.opened(ctx.sessionId(), target, () -> {
            // the close code first: the relay's own end would otherwise close the session as a normal end
            ctx.closeSession(4003, "access to this console was revoked");
            closeDisplay(ctx.sessionId());
        });
        Thread.ofVirtual().name("console-" + target.vmName()).start(() -> connection.run(target));
    }

    private void forward(String session, ByteBuffer data) {
        ConsoleConnection connection = connections.get(session);
        if (connection != null) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            connection.fromBrowser(bytes);
        }
    }

    private void closeDisplay(String session) {
        access.closed(session);
        ConsoleConnection connection = connections.remove(session);
        if (connection != null) {
            connection.end();
        }
    }

    /**
     * One browser's console: its WebSocket's messages queued for the handshake and then for the display,
     * the TLS connection to the display, and the relay between them. Whichever side ends first ends both.
     */
    private final class ConsoleConnection implements VncTlsHandshake.Browser {
        private static final byte[] END = new byte[0];
        /** How many of the browser's messages may wait for the display before the browser must wait. */
        private static final int BACKLOG = 256;

        private final WsContext ws;
        private final BlockingQueue<byte[]> incoming = new LinkedBlockingQueue<>();
        private final java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(BACKLOG);
        private volatile boolean ended;
        private volatile Socket display;
        private byte[] current = new byte[0];
        private int position;

        ConsoleConnection(WsContext ws) {
            this.ws = ws;
        }

        void run(ConsoleTickets.Target target) {
            long started = System.nanoTime();
            try {
                Socket socket = new Socket();
                display = socket;
                socket.connect(new InetSocketAddress(target.address(), target.port()), CONNECT_TIMEOUT_MILLIS);
                SSLSocket tls = VncTlsHandshake.open(socket, new VncTlsHandshake.Peer(target.hostAddress(), displayTls.context(),
                        HANDSHAKE_STEP_TIMEOUT), this);
                display = tls;
                if (ended) {
                    return;
                }
                log.info("Console of VM {} opened over TLS ({}:{}, {}, {} ms)", target.vmName(), target.address(), target.port(),
                        tls.getSession().getProtocol(), (System.nanoTime() - started) / 1_000_000);
                Thread.ofVirtual().name("console-in-" + target.vmName()).start(() -> toDisplay(tls));
                toBrowser(tls);
            } catch (IOException e) {
                if (!ended) {
                    log.warn("Console of VM {} at {}:{} refused: {}", target.vmName(), target.address(), target.port(),
                            e.getMessage());
                }
            } finally {
                closeDisplay(ws.sessionId());
                end();
                ws.closeSession();
            }
        }

        /** From the browser, on Jetty's thread: waits while the display is {@value #BACKLOG} messages behind. */
        void fromBrowser(byte[] bytes) {
            try {
                if (!room.tryAcquire(30, TimeUnit.SECONDS)) {
                    log.warn("A console's display took no input for 30 s; closing it");
                    closeDisplay(ws.sessionId());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            incoming.add(bytes);
        }

        @Override
        public int read(byte[] into, int offset, int length, java.time.Duration timeout) throws IOException {
            if (position == current.length) {
                byte[] next;
                try {
                    next = timeout == null ? incoming.take() : incoming.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
                if (next == null) {
                    throw new InterruptedIOException("the browser sent nothing in " + timeout.toMillis() + " ms");
                }
                if (next == END) {
                    incoming.add(END);
                    return -1;
                }
                room.release();
                current = next;
                position = 0;
            }
            int count = Math.min(length, current.length - position);
            System.arraycopy(current, position, into, offset, count);
            position += count;
            return count;
        }

        @Override
        public void send(byte[] bytes) throws IOException {
            if (ended) {
                throw new IOException("the browser left");
            }
            ws.send(ByteBuffer.wrap(bytes));
        }

        private void toBrowser(Socket tls) {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = tls.getInputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    send(Arrays.copyOf(buffer, read));
                }
            } catch (IOException e) {
                log.debug("Console relay to the browser ended: {}", e.getMessage());
            }
        }

        private void toDisplay(Socket tls) {
            byte[] buffer = new byte[64 * 1024];
            try {
                OutputStream out = tls.getOutputStream();
                int read;
                while ((read = read(buffer, 0, buffer.length, null)) >= 0) {
                    out.write(buffer, 0, read);
                    if (incoming.isEmpty()) {
                        out.flush();
                    }
                }
            } catch (IOException e) {
                log.debug("Console relay to the display ended: {}", e.getMessage());
            } finally {
                closeDisplay(ws.sessionId());
            }
        }

        /** Ends the connection from either side: the display's socket is closed, the queue's reader sees the end. */
        void end() {
            if (ended) {
                return;
            }
            ended = true;
            incoming.add(END);
            Socket socket = display;
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    log.debug("closing a display socket: {}", e.getMessage());
                }
            }
        }
    }
}
