package io.vireo.engine.hosts;

import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.common.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.model.Host;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;

import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

public final class HostResource implements Consumer<RouteTable> {
    private final HostService service;
    private final PermissionService permissions;

    public HostResource(HostService service, PermissionService permissions) {
        this.service = requireNonNull(service, "service");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/hosts", "List hosts; ?search=name=h* and status=up&max=&page=", ctx -> ctx.json(service.list(
                permissions.viewable(ApiServer.principal(ctx), ObjectType.HOST), QueryParameters.search(ctx),
                QueryParameters.paging(ctx))));
        routes.post("/api/hosts", "Add a host; answers it with a one-time enrollment token for its agent", 201,
                RequestBody.of(Host.Create.class), ctx -> {
            Host.Create body = ApiServer.body(ctx, Host.Create.class);
            permissions.requireOnParent(ApiServer.principal(ctx), Permission.MANAGE_HOSTS, ObjectType.CLUSTER, body.clusterId());
            ctx.status(201).json(service.create(body));
        });
        routes.get("/api/hosts/{id}", "Show a host", ctx -> ctx.json(service.host(require(ctx, Permission.VIEW))));
        routes.get("/api/hosts/{id}/nics", "The host's network interfaces (bridges, VLANs, addresses) as its agent reported them last",
                ctx -> ctx.json(service.nics(require(ctx, Permission.VIEW))));
        routes.delete("/api/hosts/{id}", "Remove a host that runs no VMs and is not Up", 204, ctx -> {
            UUID id = require(ctx, Permission.MANAGE_HOSTS);
            service.delete(id);
            permissions.revokeAll(ObjectType.HOST, id, null);
            ctx.status(204);
        });
        routes.post("/hostlink/enroll", "Exchange a host's one-time enrollment token and a CSR for its certificate",
                200, RequestBody.of(Host.EnrollRequest.class), ctx -> ctx.json(service.enroll(ApiServer.body(ctx, Host.EnrollRequest.class))));
    }

    private UUID require(Context ctx, Permission permission) {
        UUID id = Fields.id("id", ctx.pathParam("id"));
        permissions.require(ApiServer.principal(ctx), permission, ObjectRef.host(id));
        return id;
    }
}
