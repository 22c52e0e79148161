package io.vireo.engine.storage;

import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.jobs.JobRepository;
import io.vireo.model.Disk;
import io.vireo.model.StorageDomain;

import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

public final class StorageResource implements Consumer<RouteTable> {
    private final StorageService service;
    private final JobRepository jobs;

    public StorageResource(StorageService service, JobRepository jobs) {
        this.service = requireNonNull(service, "service");
        this.jobs = requireNonNull(jobs, "jobs");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/storagedomains", "List storage domains", ctx -> ctx.json(service.domains()));
        routes.post("/api/storagedomains", "Add a file storage domain (a directory every host sees)", 201,
                ctx -> ctx.status(201).json(service.createDomain(ApiServer.body(ctx, StorageDomain.Create.class))));
        routes.get("/api/storagedomains/{id}", "Show a storage domain",
                ctx -> ctx.json(service.domain(Fields.id("id", ctx.pathParam("id")))));
        routes.delete("/api/storagedomains/{id}", "Remove an empty storage domain", 204, ctx -> {
            service.deleteDomain(Fields.id("id", ctx.pathParam("id")));
            ctx.status(204);
        });
        routes.get("/api/disks", "List disks", ctx -> ctx.json(service.disks()));
        routes.post("/api/disks", "Create a disk; answers 202 with the disk (LOCKED) and the job that makes its image", 202, ctx -> {
            StorageService.CreatedDisk created = service.createDisk(ApiServer.body(ctx, Disk.Create.class));
            ctx.status(202).json(Map.of("disk", created.disk(), "job", jobs.find(created.jobId()).orElseThrow()));
        });
        routes.get("/api/disks/{id}", "Show a disk", ctx -> ctx.json(service.disk(Fields.id("id", ctx.pathParam("id")))));
        routes.delete("/api/disks/{id}", "Remove a disk that no VM uses; answers 202 with the job", 202, ctx -> {
            UUID job = service.deleteDisk(Fields.id("id", ctx.pathParam("id")));
            ctx.status(202).json(jobs.find(job).orElseThrow());
        });
    }
}
