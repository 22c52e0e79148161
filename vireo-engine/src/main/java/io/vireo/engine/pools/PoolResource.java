package io.vireo.engine.pools;

import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.model.VmPool;

import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** /api/vmpools: desktop pools and taking a desktop from one. */
public final class PoolResource implements Consumer<RouteTable> {
    private final PoolService service;
    private final PoolMonitor monitor;

    public PoolResource(PoolService service, PoolMonitor monitor) {
        this.service = requireNonNull(service, "service");
        this.monitor = requireNonNull(monitor, "monitor");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/vmpools", "List desktop pools with their counts (desktops, free, assigned, running)",
                ctx -> ctx.json(service.list()));
        routes.post("/api/vmpools", "Add a desktop pool: {name, templateVmId, type AUTOMATIC|MANUAL, size, prestarted, "
                + "maxDesktopsPerUser}; its desktops are made in the background", 201, ctx -> {
            VmPool pool = service.create(ApiServer.body(ctx, VmPool.Create.class));
            monitor.wake();
            ctx.status(201).json(pool);
        });
        routes.get("/api/vmpools/{id}", "Show a desktop pool", ctx -> ctx.json(service.pool(id(ctx))));
        routes.put("/api/vmpools/{id}", "Change a pool's size, prestarted desktops, desktops per user or description", ctx -> {
            VmPool pool = service.update(id(ctx), ApiServer.body(ctx, VmPool.Update.class));
            monitor.wake();
            ctx.json(pool);
        });
        routes.delete("/api/vmpools/{id}", "Remove a pool and its desktops (refused while a desktop runs); 202", 202, ctx -> {
            VmPool pool = service.delete(id(ctx));
            monitor.wake();
            ctx.status(202).json(pool);
        });
        routes.post("/api/vmpools/{id}/allocatevm", "Take a desktop from the pool (started if it was Down): {vm, jobId}", 200,
                ctx -> {
                    VmPool.Allocation allocation = service.allocate(id(ctx), ApiServer.user(ctx));
                    monitor.wake();
                    ctx.json(allocation);
                });
    }

    private static UUID id(io.javalin.http.Context ctx) {
        return Fields.id("id", ctx.pathParam("id"));
    }
}
