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
    private final io.vireo.engine.migration.HostMaintenance maintenance;
    private final io.vireo.engine.jobs.JobRepository jobs;

    public HostResource(HostService service, io.vireo.engine.migration.HostMaintenance maintenance,
                        io.vireo.engine.jobs.JobRepository jobs) {
        this.service = requireNonNull(service, "service");
        this.maintenance = requireNonNull(maintenance, "maintenance");
        this.jobs = requireNonNull(jobs, "jobs");
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
        routes.post("/api/hosts/{id}/deactivate", "Move every VM off the host by live migration, then put it in "
                + "maintenance; 202 with the job (a step per VM)", 202, ctx -> {
            var job = maintenance.deactivate(Fields.id("id", ctx.pathParam("id")));
            ctx.status(202).json(jobs.find(job).orElseThrow());
        });
        routes.post("/api/hosts/{id}/activate", "Bring a host in maintenance back", 200,
                ctx -> ctx.json(maintenance.activate(Fields.id("id", ctx.pathParam("id")))));
        routes.delete("/api/hosts/{id}", "Remove a host that runs no VMs and is not Up", 204, ctx -> {
            service.delete(Fields.id("id", ctx.pathParam("id")));
            ctx.status(204);
        });
    }
}
