package io.vireo.engine.datacenters;

import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.common.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;

import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

public final class DataCenterResource implements Consumer<RouteTable> {
    private final DataCenterService service;
    private final PermissionService permissions;

    public DataCenterResource(DataCenterService service, PermissionService permissions) {
        this.service = requireNonNull(service, "service");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/datacenters", "List the data centers I may see, by name: ?search=name=dc*&max=&page=",
                ctx -> ctx.json(service.dataCenters(permissions.viewable(ApiServer.principal(ctx), ObjectType.DATA_CENTER),
                        QueryParameters.search(ctx), QueryParameters.paging(ctx))));
        routes.post("/api/datacenters", "Add a data center", 201, RequestBody.of(DataCenter.Create.class), ctx -> {
            permissions.require(ApiServer.principal(ctx), Permission.MANAGE_DATA_CENTER, ObjectRef.SYSTEM);
            ctx.status(201).json(service.createDataCenter(ApiServer.body(ctx, DataCenter.Create.class)));
        });
        routes.get("/api/datacenters/{id}", "Show a data center", ctx -> {
            UUID id = require(ctx, Permission.VIEW, ObjectType.DATA_CENTER);
            ctx.json(service.dataCenter(id));
        });
        routes.delete("/api/datacenters/{id}", "Remove an empty data center", 204, ctx -> {
            UUID id = require(ctx, Permission.MANAGE_DATA_CENTER, ObjectType.DATA_CENTER);
            service.deleteDataCenter(id);
            permissions.revokeAll(ObjectType.DATA_CENTER, id, null);
            ctx.status(204);
        });
        routes.get("/api/clusters", "List the clusters I may see, by name: ?search=name=c* and datacenter=<id>&max=&page=",
                ctx -> ctx.json(service.clusters(permissions.viewable(ApiServer.principal(ctx), ObjectType.CLUSTER),
                        QueryParameters.search(ctx), QueryParameters.paging(ctx))));
        routes.post("/api/clusters", "Add a cluster to a data center", 201, RequestBody.of(Cluster.Create.class), ctx -> {
            Cluster.Create body = ApiServer.body(ctx, Cluster.Create.class);
            permissions.requireOnParent(ApiServer.principal(ctx), Permission.MANAGE_CLUSTER, ObjectType.DATA_CENTER,
                    body.dataCenterId());
            ctx.status(201).json(service.createCluster(body));
        });
        routes.get("/api/clusters/{id}", "Show a cluster", ctx -> ctx.json(service.cluster(require(ctx, Permission.VIEW,
                ObjectType.CLUSTER))));
        routes.put("/api/clusters/{id}", "Change a cluster's overcommit, migration and scheduling policies",
                RequestBody.of(Cluster.Update.class), ctx -> {
            UUID id = require(ctx, Permission.MANAGE_CLUSTER, ObjectType.CLUSTER);
            ctx.json(service.updateCluster(id, ApiServer.body(ctx, Cluster.Update.class)));
        });
        routes.delete("/api/clusters/{id}", "Remove an empty cluster", 204, ctx -> {
            UUID id = require(ctx, Permission.MANAGE_CLUSTER, ObjectType.CLUSTER);
            service.deleteCluster(id);
            permissions.revokeAll(ObjectType.CLUSTER, id, null);
            ctx.status(204);
        });
    }

    private UUID require(Context ctx, Permission permission, ObjectType type) {
        UUID id = Fields.id("id", ctx.pathParam("id"));
        permissions.require(ApiServer.principal(ctx), permission, ObjectRef.of(type, id));
        return id;
    }
}
