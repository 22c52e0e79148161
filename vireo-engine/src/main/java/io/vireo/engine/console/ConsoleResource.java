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

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Console tickets (POST /api/vms/{id}/ticket), remote-viewer files made of one
 * (/api/vms/{id}/remoteviewerconnectionfile), the browser console page at /console/ (noVNC) and the
 * VNC-over-WebSocket proxy at /console/vnc: the ticket's token admits one connection, which the
 * engine relays byte for byte to the VM's VNC display on its host.
 */
public final class ConsoleResource implements Consumer<RouteTable> {
    private static final Logger log = LoggerFactory.getLogger(ConsoleResource.class);
    private static final String TARGET = "vireo.console.target";

    private final ConsoleTickets tickets;
    private final Optional<String> spiceProxy;
    private final io.vireo.engine.auth.PermissionService permissions;
    private final ConsoleAccessWatch access;
    private final Map<String, Socket> displays = new ConcurrentHashMap<>();

    public ConsoleResource(ConsoleTickets tickets, Optional<String> spiceProxy,
                           io.vireo.engine.auth.PermissionService permissions, ConsoleAccessWatch access) {
        this.tickets = requireNonNull(tickets, "tickets");
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
        permissions.require(ApiServer.principal(ctx), io.vireo.model.Permission.VM_CONSOLE,
                io.vireo.engine.auth.ObjectRef.vm(vmId));
        return tickets.issue(vmId, ApiServer.optionalBody(ctx, ConsoleTicket.Request.class), ApiServer.principal(ctx));
    }

    private void remoteViewerFile(Context ctx) {
        UUID vmId = Fields.id("id", ctx.pathParam("id"));
        ConsoleTicket ticket = issue(ctx);
        RemoteViewerFile file = new RemoteViewerFile(tickets.display(vmId), ticket, spiceProxy);
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
        try {
            Socket display = new Socket();
            display.connect(new InetSocketAddress(target.address(), target.port()), 5000);
            displays.put(ctx.sessionId(), display);
            access.opened(ctx.sessionId(), target, () -> {
                closeDisplay(ctx.sessionId());
                ctx.closeSession(4003, "access to this console was revoked");
            });
            Thread.ofVirtual().name("console-" + target.vmName()).start(() -> relay(ctx, display));
            log.info("Console of VM {} opened ({}:{})", target.vmName(), target.address(), target.port());
        } catch (IOException e) {
            log.warn("Cannot reach the display of VM {} at {}:{}: {}", target.vmName(), target.address(), target.port(),
                    e.getMessage());
            ctx.closeSession();
        }
    }

    private void relay(WsContext ctx, Socket display) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = display.getInputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                ctx.send(ByteBuffer.wrap(Arrays.copyOf(buffer, read)));
            }
        } catch (IOException e) {
            log.debug("Console relay ended: {}", e.getMessage());
        } finally {
            closeDisplay(ctx.sessionId());
            ctx.closeSession();
        }
    }

    private void forward(String session, ByteBuffer data) {
        Socket display = displays.get(session);
        if (display == null) {
            return;
        }
        try {
            OutputStream out = display.getOutputStream();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            closeDisplay(session);
        }
    }

    private void closeDisplay(String session) {
        access.closed(session);
        Socket display = displays.remove(session);
        if (display != null) {
            try {
                display.close();
            } catch (IOException e) {
                log.debug("closing a display socket: {}", e.getMessage());
            }
        }
    }
}
