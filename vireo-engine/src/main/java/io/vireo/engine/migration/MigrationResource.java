package io.vireo.engine.migration;

import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.UnavailableException;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.jobs.JobService;
import io.vireo.engine.vms.VmService;
import io.vireo.model.ErrorCode;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import io.vireo.model.Vm;

import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** Live migration of a VM, and moving every VM off a host for maintenance. */
public final class MigrationResource implements Consumer<RouteTable> {
    private final MigrationService migrations;
    private final HostMaintenance maintenance;
    private final VmService vms;
    private final JobService jobs;
    private final PermissionService permissions;

    public MigrationResource(MigrationService migrations, HostMaintenance maintenance, VmService vms, JobService jobs,
                             PermissionService permissions) {
        this.migrations = requireNonNull(migrations, "migrations");
        this.maintenance = requireNonNull(maintenance, "maintenance");
        this.vms = requireNonNull(vms, "vms");
        this.jobs = requireNonNull(jobs, "jobs");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.post("/api/vms/{id}/migrate", "Live-migrate a running VM; optional body {\"hostId\"}, else the scheduler "
                + "picks; 202 with the job", 202, RequestBody.optional(Vm.Migrate.class), ctx -> {
            UUID id = require(ctx, Permission.MIGRATE_VM, ObjectType.VM);
            Vm.Migrate body = ApiServer.optionalBody(ctx, Vm.Migrate.class);
            UUID host = body == null || body.hostId() == null ? null : Fields.id("hostId", body.hostId());
            if (host != null) {
                // a host the caller names must be one it may see; else it is "not found"
                permissions.requireOnParent(ApiServer.principal(ctx), Permission.VIEW, ObjectType.HOST, host.toString());
            }
            ctx.status(202).json(jobs.job(migrations.request(id, host)));
        });
        routes.post("/api/vms/{id}/cancelmigration", "Abort the VM's live migration in flight", 200, ctx -> {
            Vm vm = vms.vm(require(ctx, Permission.MIGRATE_VM, ObjectType.VM));
            boolean cancelled;
            try {
                cancelled = migrations.cancel(vm);
            } catch (AgentException e) {
                throw new UnavailableException(e.code(), "Cannot cancel the migration of VM " + vm.name() + ": " + e.getMessage());
            }
            if (!cancelled) {
                throw new ConflictException(ErrorCode.NOT_MIGRATING, "VM " + vm.name() + " is not migrating");
            }
            ctx.json(Map.of("cancelled", true));
        });
        routes.post("/api/hosts/{id}/deactivate", "Move every VM off the host by live migration, then put it in "
                + "maintenance; 202 with the job (a step per VM)", 202,
                ctx -> ctx.status(202).json(jobs.job(maintenance.deactivate(require(ctx, Permission.MANAGE_HOSTS, ObjectType.HOST)))));
        routes.post("/api/hosts/{id}/activate", "Bring a host in maintenance back", 200,
                ctx -> ctx.json(maintenance.activate(require(ctx, Permission.MANAGE_HOSTS, ObjectType.HOST))));
    }

    private UUID require(Context ctx, Permission permission, ObjectType type) {
        UUID id = Fields.id("id", ctx.pathParam("id"));
        permissions.require(ApiServer.principal(ctx), permission, ObjectRef.of(type, id));
        return id;
    }
}
