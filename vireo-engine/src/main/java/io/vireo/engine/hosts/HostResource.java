package io.vireo.engine.hosts;

import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.Fields;
import io.vireo.engine.api.Paging;
import io.vireo.engine.api.RouteTable;
import io.vireo.model.Host;

import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

public final class HostResource implements Consumer<RouteTable> {
    private final HostService service;

    public HostResource(HostService service) {
        this.service = requireNonNull(service, "service");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/hosts", "List hosts; ?search=name=h* and status=up&max=&page=", ctx -> {
            Paging paging = Paging.of(ctx);
            ctx.json(service.list(ctx.queryParam("search"), paging.max(), paging.page()));
        });
        routes.post("/api/hosts", "Add a host; answers it with a one-time enrollment token for its agent", 201,
                ctx -> ctx.status(201).json(service.create(ApiServer.body(ctx, Host.Create.class))));
        routes.get("/api/hosts/{id}", "Show a host", ctx -> ctx.json(service.host(Fields.id("id", ctx.pathParam("id")))));
        routes.delete("/api/hosts/{id}", "Remove a host that runs no VMs and is not Up", 204, ctx -> {
            service.delete(Fields.id("id", ctx.pathParam("id")));
            ctx.status(204);
        });
    }
}
