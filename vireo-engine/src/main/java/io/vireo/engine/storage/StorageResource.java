package io.vireo.engine.storage;

import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.common.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.engine.auth.BuiltInRole;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.common.Principal;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.store.Visibility;
import io.vireo.engine.jobs.JobService;
import io.vireo.model.Disk;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import io.vireo.model.StorageDomain;

import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

public final class StorageResource implements Consumer<RouteTable> {
    private final StorageService service;
    private final JobService jobs;
    private final PermissionService permissions;
    private final BootFileScanner scanner;
    private final DataCenterService dataCenters;

    public StorageResource(StorageService service, JobService jobs, PermissionService permissions, BootFileScanner scanner,
                           DataCenterService dataCenters) {
        this.service = requireNonNull(service, "service");
        this.jobs = requireNonNull(jobs, "jobs");
        this.permissions = requireNonNull(permissions, "permissions");
        this.scanner = requireNonNull(scanner, "scanner");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/storagedomains", "List storage domains; ?search=name=nfs* and type=file&max=&page=",
                ctx -> ctx.json(service.domains(permissions.viewable(ApiServer.principal(ctx), ObjectType.STORAGE_DOMAIN),
                        QueryParameters.search(ctx), QueryParameters.paging(ctx))));
        routes.post("/api/storagedomains", "Add a file storage domain (a directory every host sees)", 201,
                RequestBody.of(StorageDomain.Create.class), ctx -> {
            StorageDomain.Create body = ApiServer.body(ctx, StorageDomain.Create.class);
            permissions.requireOnParent(ApiServer.principal(ctx), Permission.MANAGE_STORAGE, ObjectType.DATA_CENTER,
                    body.dataCenterId());
            ctx.status(201).json(service.createDomain(body));
        });
        routes.get("/api/storagedomains/{id}", "Show a storage domain",
                ctx -> ctx.json(service.domain(require(ctx, Permission.VIEW, ObjectType.STORAGE_DOMAIN))));
        routes.delete("/api/storagedomains/{id}", "Remove an empty storage domain", 204, ctx -> {
            UUID id = require(ctx, Permission.MANAGE_STORAGE, ObjectType.STORAGE_DOMAIN);
            service.deleteDomain(id);
            permissions.revokeAll(ObjectType.STORAGE_DOMAIN, id, null);
            ctx.status(204);
        });
        routes.post("/api/storagedomains/{id}/bootfiles/scan", "Scan the domain's boot-files directory (PATH/boot-files/, "
                + "which an administrator fills on a host) through an Up host of its data center, and make the boot files "
                + "match it: new files added, vanished ones removed (kept as missing while a VM boots them)", 200, ctx -> {
            UUID id = require(ctx, Permission.MANAGE_STORAGE, ObjectType.STORAGE_DOMAIN);
            ctx.json(scanner.scan(id));
        });
        routes.get("/api/bootfiles", "List the boot files (kernels, initrds) of the data centers where you may create VMs; "
                + "?search=name=vmlinuz* and storage=DOMAIN_ID&max=&page=", ctx -> {
            // whoever may create a VM in a cluster may boot the boot files of that cluster's data center
            Visibility clusters = permissions.visibility(ApiServer.principal(ctx), Permission.CREATE_VM, ObjectType.CLUSTER);
            ctx.json(service.bootFiles(dataCenters.dataCentersOfClusters(clusters), QueryParameters.search(ctx),
                    QueryParameters.paging(ctx)));
        });
        routes.get("/api/disks", "List disks; ?search=name=web* and status=ok&max=&page=",
                ctx -> ctx.json(service.disks(permissions.viewable(ApiServer.principal(ctx), ObjectType.DISK),
                        QueryParameters.search(ctx), QueryParameters.paging(ctx))));
        routes.post("/api/disks", "Create a disk (its creator becomes its DiskOperator); answers 202 with the disk (LOCKED) "
                + "and the job that makes its image", 202, RequestBody.of(Disk.Create.class), ctx -> {
            Principal principal = ApiServer.principal(ctx);
            Disk.Create body = ApiServer.body(ctx, Disk.Create.class);
            permissions.requireOnParent(principal, Permission.CREATE_DISK, ObjectType.STORAGE_DOMAIN, body.storageDomainId());
            StorageService.CreatedDisk created = service.createDisk(body,
                    (h, id) -> permissions.grant(h, principal.id(), BuiltInRole.DISK_OPERATOR, ObjectRef.disk(id)));
            ctx.status(202).json(Map.of("disk", created.disk(), "job", jobs.job(created.jobId())));
        });
        routes.get("/api/disks/{id}", "Show a disk", ctx -> ctx.json(service.disk(require(ctx, Permission.VIEW, ObjectType.DISK))));
        routes.delete("/api/disks/{id}", "Remove a disk that no VM uses; answers 202 with the job", 202, ctx -> {
            UUID id = require(ctx, Permission.MANAGE_DISKS, ObjectType.DISK);
            UUID job = service.deleteDisk(id);
            permissions.revokeAll(ObjectType.DISK, id, null);
            ctx.status(202).json(jobs.job(job));
        });
    }

    private UUID require(Context ctx, Permission permission, ObjectType type) {
        UUID id = Fields.id("id", ctx.pathParam("id"));
        permissions.require(ApiServer.principal(ctx), permission, ObjectRef.of(type, id));
        return id;
    }
}
