package io.vireo.engine.vms;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.engine.auth.BuiltInRole;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.UnavailableException;
import io.vireo.engine.hostlink.AgentException;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.jobs.JobService;
import io.vireo.model.ErrorCode;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import io.vireo.model.Vm;
import io.vireo.model.rpc.AgentMethod;
import io.vireo.model.rpc.ConsoleLogParams;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

public final class VmResource implements Consumer<RouteTable> {
    private final VmService service;
    private final JobService jobs;
    private final AgentGateway gateway;
    private final PermissionService permissions;
    private final VmNics nics;

    public VmResource(VmService service, VmNics nics, JobService jobs, AgentGateway gateway, PermissionService permissions) {
        this.permissions = requireNonNull(permissions, "permissions");
        this.nics = requireNonNull(nics, "nics");
        this.service = requireNonNull(service, "service");
        this.jobs = requireNonNull(jobs, "jobs");
        this.gateway = requireNonNull(gateway, "gateway");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/vms", "List VMs; ?search=name=web* and status=up&max=&page=", ctx -> ctx.json(service.list(
                permissions.viewable(ApiServer.principal(ctx), ObjectType.VM), QueryParameters.search(ctx),
                QueryParameters.paging(ctx))));
        routes.post("/api/vms", "Create a VM (Down); its creator becomes its UserVmManager", 201, RequestBody.of(Vm.Create.class),
                this::create);
        routes.get("/api/vms/{id}", "Show a VM", ctx -> ctx.json(service.vm(id(ctx, Permission.VIEW))));
        routes.delete("/api/vms/{id}", "Remove a Down VM; ?removeDisks=true removes its disks too (202 with jobs)", 200, this::delete);
        routes.post("/api/vms/{id}/start", "Start a VM; optional body {\"hostId\"}; answers 202 with the job", 202,
                RequestBody.optional(Vm.Start.class), ctx -> {
            Vm.Start body = ApiServer.optionalBody(ctx, Vm.Start.class);
            UUID id = id(ctx, Permission.VM_POWER);
            UUID hostId = null;
            if (body != null && body.hostId() != null) {
                hostId = Fields.id("hostId", body.hostId());
                requireVisibleHost(ctx, body.hostId());
            }
            accepted(ctx, service.action(id, StartVmJob.request(hostId)));
        });
        routes.post("/api/vms/{id}/stop", "Power a VM off; 202 with the job", 202,
                ctx -> accepted(ctx, service.action(id(ctx, Permission.VM_POWER), StopVmJob.request())));
        routes.post("/api/vms/{id}/shutdown", "Shut a VM down (ACPI), powering off after {\"timeoutSeconds\"} (default 60)", 202,
                RequestBody.optional(Vm.Shutdown.class), ctx -> {
            UUID id = id(ctx, Permission.VM_POWER);
            Vm.Shutdown body = ApiServer.optionalBody(ctx, Vm.Shutdown.class);
            int timeout = body == null || body.timeoutSeconds() == null ? 60
                    : Fields.range("timeoutSeconds", body.timeoutSeconds(), 0, 3600);
            accepted(ctx, service.action(id, ShutdownVmJob.request(timeout)));
        });
        routes.post("/api/vms/{id}/reboot", "Reboot a VM through the guest, or reset it with {\"force\": true}; 202 with the job",
                202, RequestBody.optional(Vm.Reboot.class), ctx -> {
                    UUID id = id(ctx, Permission.VM_POWER);
                    Vm.Reboot body = ApiServer.optionalBody(ctx, Vm.Reboot.class);
                    boolean force = body != null && Boolean.TRUE.equals(body.force());
                    accepted(ctx, service.action(id, RebootVmJob.request(force)));
                });
        routes.post("/api/vms/{id}/suspend", "Suspend (pause) a VM; 202 with the job", 202,
                ctx -> accepted(ctx, service.action(id(ctx, Permission.VM_POWER), SuspendVmJob.request())));
        routes.post("/api/vms/{id}/resume", "Resume a suspended VM; 202 with the job", 202,
                ctx -> accepted(ctx, service.action(id(ctx, Permission.VM_POWER), ResumeVmJob.request())));
        routes.put("/api/vms/{id}", "Change a VM's migration policy overrides or preferred host", RequestBody.of(Vm.Update.class), ctx -> {
            UUID id = id(ctx, Permission.EDIT_VM);
            Vm.Update body = ApiServer.body(ctx, Vm.Update.class);
            requireVisibleHost(ctx, body.preferredHostId());
            ctx.json(service.update(id, body));
        });
        routes.get("/api/vms/{id}/nics", "List a VM's network interfaces", ctx -> ctx.json(nics.list(id(ctx, Permission.VIEW))));
        routes.post("/api/vms/{id}/nics", "Add a network interface to a Down VM, or plug it into an Up one (its host must carry the "
                + "network): {\"name\", \"networkId\", \"mac\" (else one from the data center's pool), \"linked\" (default true)}; "
                + "virtio", 201, RequestBody.of(io.vireo.model.VmNic.Create.class), ctx -> {
            UUID id = id(ctx, Permission.EDIT_VM);
            ctx.status(201).json(nics.add(id, ApiServer.body(ctx, io.vireo.model.VmNic.Create.class)));
        });
        routes.put("/api/vms/{id}/nics/{nicId}", "Link a network interface up or down: {\"linked\"}; live on an Up VM",
                RequestBody.of(io.vireo.model.VmNic.Update.class), ctx -> {
            UUID id = id(ctx, Permission.EDIT_VM);
            ctx.json(nics.update(id, Fields.id("nicId", ctx.pathParam("nicId")), ApiServer.body(ctx, io.vireo.model.VmNic.Update.class)));
        });
        routes.delete("/api/vms/{id}/nics/{nicId}", "Remove a network interface from a Down VM, or unplug it from an Up one (once the "
                + "guest lets it go); its MAC is free again", 204, ctx -> {
            UUID id = id(ctx, Permission.EDIT_VM);
            nics.remove(id, Fields.id("nicId", ctx.pathParam("nicId")));
            ctx.status(204);
        });
        routes.get("/api/vms/{id}/consolelog", "Read the guest's serial console log: ?offset=N", this::consoleLog);
    }

    /** A host the caller names (to start on, prefer) must be one it may see; else it is "not found". */
    private void requireVisibleHost(Context ctx, String hostId) {
        permissions.requireOnParent(ApiServer.principal(ctx), Permission.VIEW, ObjectType.HOST, hostId);
    }

    /** The VM's id from the path, once the caller is found to hold the permission on it. */
    private UUID id(Context ctx, Permission permission) {
        UUID id = Fields.id("id", ctx.pathParam("id"));
        permissions.require(ApiServer.principal(ctx), permission, ObjectRef.vm(id));
        return id;
    }

    private void create(Context ctx) {
        Principal principal = ApiServer.principal(ctx);
        Vm.Create body = ApiServer.body(ctx, Vm.Create.class);
        permissions.requireOnParent(principal, Permission.CREATE_VM, ObjectType.CLUSTER, body.clusterId());
        if (body.diskIds() != null) {
            body.diskIds().forEach(disk -> permissions.requireOnParent(principal, Permission.MANAGE_DISKS, ObjectType.DISK, disk));
        }
        ctx.status(201).json(service.create(body,
                (h, id) -> permissions.grant(h, principal.id(), BuiltInRole.USER_VM_MANAGER, ObjectRef.vm(id))));
    }

    private void accepted(Context ctx, UUID job) {
        ctx.status(202).json(jobs.job(job));
    }

    private void delete(Context ctx) {
        boolean removeDisks = QueryParameters.bool(ctx, "removeDisks", false);
        UUID id = id(ctx, Permission.DELETE_VM);
        java.util.List<String> disks = removeDisks ? service.vm(id).diskIds() : java.util.List.of();
        if (!disks.isEmpty()) {
            for (String disk : disks) {
                permissions.require(ApiServer.principal(ctx), Permission.MANAGE_DISKS, ObjectRef.disk(UUID.fromString(disk)));
            }
        }
        VmService.DeleteResult result = service.delete(id, removeDisks);
        permissions.revokeAll(ObjectType.VM, id, null);
        disks.forEach(disk -> permissions.revokeAll(ObjectType.DISK, UUID.fromString(disk), null));
        if (result.diskJobIds().isEmpty()) {
            ctx.status(200).json(Map.of("removed", true, "jobs", java.util.List.of()));
        } else {
            ctx.status(202).json(Map.of("removed", true,
                    "jobs", result.diskJobIds().stream().map(job -> jobs.job(job)).toList()));
        }
    }

    private void consoleLog(Context ctx) {
        Vm vm = service.vm(id(ctx, Permission.VM_CONSOLE));
        long offset = QueryParameters.number(ctx, "offset", 0, 0, Long.MAX_VALUE);
        if (vm.hostId() == null) {
            throw new ConflictException(ErrorCode.VM_NOT_UP, "VM " + vm.name() + " runs on no host, so it has no console log to read");
        }
        try {
            ctx.json(gateway.call(UUID.fromString(vm.hostId()), AgentMethod.VM_READ_CONSOLE_LOG,
                    new ConsoleLogParams(UUID.fromString(vm.id()), offset), Duration.ofSeconds(15)));
        } catch (AgentException e) {
            throw new UnavailableException(e.code(), "Cannot read the console log of VM " + vm.name() + ": " + e.getMessage());
        }
    }
}
