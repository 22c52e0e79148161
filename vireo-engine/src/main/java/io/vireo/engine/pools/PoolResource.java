package io.vireo.engine.pools;

import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.common.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import io.vireo.model.VmPool;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** /api/vmpools: desktop pools and taking a desktop from one. */
public final class PoolResource implements Consumer<RouteTable> {
    private final PoolService service;
    private final PoolMonitor monitor;
    private final PermissionService permissions;

    public PoolResource(PoolService service, PoolMonitor monitor, PermissionService permissions) {
        this.service = requireNonNull(service, "service");
        this.monitor = requireNonNull(monitor, "monitor");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/vmpools", "List desktop pools with their counts (desktops, free, assigned, running), those I see or may use; ?search=&max=&page=",
                ctx -> ctx.json(service.list(permissions.viewable(ApiServer.principal(ctx), ObjectType.VM_POOL),
                        QueryParameters.search(ctx), QueryParameters.paging(ctx))));
        routes.post("/api/vmpools", "Add a desktop pool: {name, templateVmId, type AUTOMATIC|MANUAL, size, prestarted, "
                + "maxDesktopsPerUser}; its desktops are made in the background", 201, RequestBody.of(VmPool.Create.class), ctx -> {
            VmPool.Create body = ApiServer.body(ctx, VmPool.Create.class);
            // the pool goes to the template's cluster (or the one named): its manager must hold MANAGE_POOLS there
            permissions.requireOnParent(ApiServer.principal(ctx), Permission.MANAGE_POOLS, ObjectType.VM, body.templateVmId());
            permissions.requireOnParent(ApiServer.principal(ctx), Permission.MANAGE_POOLS, ObjectType.CLUSTER, body.clusterId());
            VmPool pool = service.create(body);
            monitor.wake();
            ctx.status(201).json(pool);
        });
        routes.get("/api/vmpools/{id}", "Show a desktop pool", ctx -> {
            UUID id = id(ctx);
            if (!permissions.sees(ApiServer.principal(ctx), ObjectRef.pool(id))) {
                throw PermissionService.notFound(ObjectRef.pool(id));
            }
            ctx.json(service.pool(id));
        });
        routes.put("/api/vmpools/{id}", "Change a pool's size, prestarted desktops, desktops per user or description",
                RequestBody.of(VmPool.Update.class), ctx -> {
            VmPool pool = service.update(id(ctx, Permission.MANAGE_POOLS), ApiServer.body(ctx, VmPool.Update.class));
            monitor.wake();
            ctx.json(pool);
        });
        routes.delete("/api/vmpools/{id}", "Remove a pool and its desktops (refused while a desktop runs); 202", 202, ctx -> {
            UUID id = id(ctx, Permission.MANAGE_POOLS);
            VmPool pool = service.delete(id);
            permissions.revokeAll(ObjectType.VM_POOL, id, null);
            monitor.wake();
            ctx.status(202).json(pool);
        });
        routes.post("/api/vmpools/{id}/allocatevm", "Take a desktop from the pool (started if it was Down): {vm, jobId}", 200,
                ctx -> {
                    VmPool.Allocation allocation = service.allocate(id(ctx, Permission.USE_POOL), ApiServer.principal(ctx));
                    monitor.wake();
                    ctx.json(allocation);
                });
    }

    private static UUID id(io.javalin.http.Context ctx) {
        return Fields.id("id", ctx.pathParam("id"));
    }

    /** The pool's id from the path, once the caller is found to hold the permission on it. */
    private UUID id(io.javalin.http.Context ctx, Permission permission) {
        UUID id = id(ctx);
        permissions.require(ApiServer.principal(ctx), permission, ObjectRef.pool(id));
        return id;
    }
}
