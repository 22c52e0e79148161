package io.vireo.engine.affinity;

import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.model.AffinityGroup;

import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

public final class AffinityGroupResource implements Consumer<RouteTable> {
    private final AffinityGroupService service;

    public AffinityGroupResource(AffinityGroupService service) {
        this.service = requireNonNull(service, "service");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/affinitygroups", "List affinity groups", ctx -> ctx.json(service.list()));
        routes.post("/api/affinitygroups", "Add an affinity group (VM_TO_VM or VM_TO_HOST, positive or negative, hard or soft)",
                201, ctx -> ctx.status(201).json(service.create(ApiServer.body(ctx, AffinityGroup.Create.class))));
        routes.get("/api/affinitygroups/{id}", "Show an affinity group",
                ctx -> ctx.json(service.group(Fields.id("id", ctx.pathParam("id")))));
        routes.delete("/api/affinitygroups/{id}", "Remove an affinity group", 204, ctx -> {
            service.delete(Fields.id("id", ctx.pathParam("id")));
            ctx.status(204);
        });
    }
}
