package io.vireo.engine.affinity;

import io.vireo.engine.common.NotFoundException;
import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.common.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.model.AffinityGroup;
import io.vireo.model.ErrorCode;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;

import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** Affinity groups belong to their cluster: seen with VIEW on it, changed with MANAGE_AFFINITY on it. */
public final class AffinityGroupResource implements Consumer<RouteTable> {
    private final AffinityGroupService service;
    private final PermissionService permissions;

    public AffinityGroupResource(AffinityGroupService service, PermissionService permissions) {
        this.service = requireNonNull(service, "service");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/affinitygroups", "List the affinity groups of the clusters I may see, by name: "
                + "?search=name=web* and kind=vm_to_vm and cluster=<id>&max=&page=", ctx -> ctx.json(service.list(
                permissions.viewable(ApiServer.principal(ctx), ObjectType.CLUSTER), QueryParameters.search(ctx),
                QueryParameters.paging(ctx))));
        routes.post("/api/affinitygroups", "Add an affinity group (VM_TO_VM or VM_TO_HOST, positive or negative, hard or soft)",
                201, RequestBody.of(AffinityGroup.Create.class), ctx -> {
                    AffinityGroup.Create body = ApiServer.body(ctx, AffinityGroup.Create.class);
                    permissions.requireOnParent(ApiServer.principal(ctx), Permission.MANAGE_AFFINITY, ObjectType.CLUSTER,
                            body.clusterId());
                    ctx.status(201).json(service.create(body));
                });
        routes.get("/api/affinitygroups/{id}", "Show an affinity group", ctx -> ctx.json(group(ctx, Permission.VIEW)));
        routes.delete("/api/affinitygroups/{id}", "Remove an affinity group", 204, ctx -> {
            service.delete(UUID.fromString(group(ctx, Permission.MANAGE_AFFINITY).id()));
            ctx.status(204);
        });
    }

    /** The group, if the caller holds the permission on its cluster; one it may not see answers 404 like a missing one. */
    private AffinityGroup group(Context ctx, Permission permission) {
        UUID id = Fields.id("id", ctx.pathParam("id"));
        AffinityGroup group = service.group(id);
        ObjectRef cluster = ObjectRef.cluster(UUID.fromString(group.clusterId()));
        if (!permissions.allowed(ApiServer.principal(ctx), Permission.VIEW, cluster)) {
            throw NotFoundException.of(ErrorCode.NOT_FOUND, "affinity group", id);
        }
        permissions.require(ApiServer.principal(ctx), permission, cluster);
        return group;
    }
}
