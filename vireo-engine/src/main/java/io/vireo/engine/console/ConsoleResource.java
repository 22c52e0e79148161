package io.vireo.engine.console;

import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.Fields;
import io.vireo.engine.api.RouteTable;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Console tickets (POST /api/vms/{id}/ticket) and the VNC-over-WebSocket proxy at /console/vnc:
 * the ticket's token admits one connection, which the engine relays byte for byte to the VM's
 * VNC display on its host (the browser's noVNC, or any RFB client, speaks VNC through it).
 */
public final class ConsoleResource implements Consumer<RouteTable> {
    private static final Logger log = LoggerFactory.getLogger(ConsoleResource.class);
    private static final String TARGET = "vireo.console.target";

    private final ConsoleTickets tickets;
    private final io.vireo.engine.auth.PermissionService permissions;
    private final Map<String, Socket> displays = new ConcurrentHashMap<>();

    public ConsoleResource(ConsoleTickets tickets, io.vireo.engine.auth.PermissionService permissions) {
        this.tickets = requireNonNull(tickets, "tickets");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.post("/api/vms/{id}/ticket", "A one-time console ticket (VNC password and proxy path), valid "
                + "{\"expirySeconds\"} (default 120)", 200, ctx -> {
            var vmId = Fields.id("id", ctx.pathParam("id"));
            permissions.require(ApiServer.principal(ctx), io.vireo.model.Permission.VM_CONSOLE,
                    io.vireo.engine.auth.ObjectRef.vm(vmId));
            ctx.json(tickets.issue(vmId, ApiServer.optionalBody(ctx, ConsoleTicket.Request.class), ApiServer.user(ctx)));
        });
        routes.raw().wsBeforeUpgrade("/console/vnc", this::admit);
        routes.raw().ws("/console/vnc", ws -> {
            ws.onConnect(this::connect);
            ws.onBinaryMessage(ctx -> forward(ctx.sessionId(), ctx.data()));
            ws.onClose(ctx -> closeDisplay(ctx.sessionId()));
            ws.onError(ctx -> closeDisplay(ctx.sessionId()));
        });
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
