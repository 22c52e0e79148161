package io.vireo.engine.datacenters;

import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;

import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

public final class DataCenterResource implements Consumer<RouteTable> {
    private final DataCenterService service;

    public DataCenterResource(DataCenterService service) {
        this.service = requireNonNull(service, "service");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/datacenters", "List data centers", ctx -> ctx.json(service.dataCenters()));
        routes.post("/api/datacenters", "Add a data center", 201,
                ctx -> ctx.status(201).json(service.createDataCenter(ApiServer.body(ctx, DataCenter.Create.class))));
        routes.get("/api/datacenters/{id}", "Show a data center",
                ctx -> ctx.json(service.dataCenter(Fields.id("id", ctx.pathParam("id")))));
        routes.delete("/api/datacenters/{id}", "Remove an empty data center", 204, ctx -> {
            service.deleteDataCenter(Fields.id("id", ctx.pathParam("id")));
            ctx.status(204);
        });
        routes.get("/api/clusters", "List clusters", ctx -> ctx.json(service.clusters()));
        routes.post("/api/clusters", "Add a cluster to a data center", 201,
                ctx -> ctx.status(201).json(service.createCluster(ApiServer.body(ctx, Cluster.Create.class))));
        routes.get("/api/clusters/{id}", "Show a cluster", ctx -> ctx.json(service.cluster(Fields.id("id", ctx.pathParam("id")))));
        routes.put("/api/clusters/{id}", "Change a cluster's overcommit, migration and scheduling policies",
                ctx -> ctx.json(service.updateCluster(Fields.id("id", ctx.pathParam("id")), ApiServer.body(ctx, Cluster.Update.class))));
        routes.delete("/api/clusters/{id}", "Remove an empty cluster", 204, ctx -> {
            service.deleteCluster(Fields.id("id", ctx.pathParam("id")));
            ctx.status(204);
        });
    }
}
