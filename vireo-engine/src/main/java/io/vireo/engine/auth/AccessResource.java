package io.vireo.engine.auth;

import io.vireo.engine.common.Principal;
import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.common.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.model.Grant;
import io.vireo.model.Group;
import io.vireo.model.Me;
import io.vireo.model.Permission;
import io.vireo.model.Role;
import io.vireo.model.User;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Users, groups, roles and permissions, and /api/me. Users and groups are managed with MANAGE_USERS
 * on the system; whoever manages permissions somewhere may read them (to choose whom to grant);
 * roles are readable by everyone and changed with MANAGE_PERMISSIONS on the system. The services
 * add that nobody makes a user, a group or a role more powerful than itself ({@link EscalationGuard}).
 */
public final class AccessResource implements Consumer<RouteTable> {
    private final UserDirectory directory;
    private final RoleService roles;
    private final GrantService grants;
    private final PermissionService permissions;

    public AccessResource(UserDirectory directory, RoleService roles, GrantService grants, PermissionService permissions) {
        this.directory = requireNonNull(directory, "directory");
        this.roles = requireNonNull(roles, "roles");
        this.grants = requireNonNull(grants, "grants");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/me", "Who I am: {id, name, displayName, admin, permissions (held anywhere)}", this::me);
        routes.post("/api/users", "Add a user {name, password, displayName, email}", 201, RequestBody.of(User.Create.class), ctx -> {
            manageUsers(ctx);
            ctx.status(201).json(directory.create(ApiServer.body(ctx, User.Create.class)));
        });
        routes.get("/api/users", "List users by name: ?search=name=a* or email=*@example.com&max=&page=", ctx -> {
            readDirectory(ctx);
            ctx.json(directory.users(QueryParameters.search(ctx), QueryParameters.paging(ctx)));
        });
        routes.get("/api/users/{id}", "Show a user", ctx -> {
            UUID id = id(ctx);
            if (!id.equals(ApiServer.principal(ctx).id())) {
                readDirectory(ctx);
            }
            ctx.json(directory.user(id));
        });
        routes.put("/api/users/{id}", "Change a user's displayName, email, password or enabled", RequestBody.of(User.Update.class),
                ctx -> {
            manageUsers(ctx);
            ctx.json(directory.update(id(ctx), ApiServer.body(ctx, User.Update.class), ApiServer.principal(ctx)));
        });
        routes.delete("/api/users/{id}", "Remove a user with its tokens, memberships and permissions", 204, ctx -> {
            manageUsers(ctx);
            directory.delete(id(ctx), ApiServer.principal(ctx));
            ctx.status(204);
        });
        routes.post("/api/groups", "Add a group {name, description}", 201, RequestBody.of(Group.Create.class), ctx -> {
            manageUsers(ctx);
            ctx.status(201).json(directory.createGroup(ApiServer.body(ctx, Group.Create.class)));
        });
        routes.get("/api/groups", "List groups with their members, by name: ?search=name=dev*&max=&page=", ctx -> {
            readDirectory(ctx);
            ctx.json(directory.groups(QueryParameters.search(ctx), QueryParameters.paging(ctx)));
        });
        routes.get("/api/groups/{id}", "Show a group", ctx -> {
            readDirectory(ctx);
            ctx.json(directory.group(id(ctx)));
        });
        routes.delete("/api/groups/{id}", "Remove a group (its permissions go with it)", 204, ctx -> {
            manageUsers(ctx);
            directory.deleteGroup(id(ctx), ApiServer.principal(ctx));
            ctx.status(204);
        });
        routes.post("/api/groups/{id}/members", "Add a user to a group {userId}", 200, RequestBody.of(Group.Member.class), ctx -> {
            manageUsers(ctx);
            ctx.json(directory.addMember(id(ctx), ApiServer.body(ctx, Group.Member.class).userId(),
                    ApiServer.principal(ctx)));
        });
        routes.delete("/api/groups/{id}/members/{userId}", "Take a user out of a group", 200, ctx -> {
            manageUsers(ctx);
            ctx.json(directory.removeMember(id(ctx), Fields.id("userId", ctx.pathParam("userId")), ApiServer.principal(ctx)));
        });
        rolesAndPermissions(routes);
    }

    private void rolesAndPermissions(RouteTable routes) {
        routes.get("/api/roles", "List roles with their permissions, the built-in ones first: ?search=name=*Admin&max=&page=",
                ctx -> ctx.json(roles.list(QueryParameters.search(ctx), QueryParameters.paging(ctx))));
        routes.post("/api/roles", "Add a custom role {name, description, permissions: [...]}", 201, RequestBody.of(Role.Create.class),
                ctx -> {
            managePermissions(ctx);
            ctx.status(201).json(roles.create(ApiServer.body(ctx, Role.Create.class), ApiServer.principal(ctx)));
        });
        routes.get("/api/roles/{id}", "Show a role", ctx -> ctx.json(roles.role(id(ctx))));
        routes.put("/api/roles/{id}", "Change a custom role's name, description or permissions", RequestBody.of(Role.Update.class),
                ctx -> {
            managePermissions(ctx);
            ctx.json(roles.update(id(ctx), ApiServer.body(ctx, Role.Update.class), ApiServer.principal(ctx)));
        });
        routes.delete("/api/roles/{id}", "Remove a custom role that is granted nowhere", 204, ctx -> {
            managePermissions(ctx);
            roles.delete(id(ctx), ApiServer.principal(ctx));
            ctx.status(204);
        });
        routes.post("/api/permissions", "Grant a role {principalType USER|GROUP, principalId, roleId or role, objectType, "
                + "objectId (none for SYSTEM)}; 201, or 200 when it was granted already", 201, RequestBody.of(Grant.Create.class), ctx -> {
            GrantService.Created created = grants.create(ApiServer.body(ctx, Grant.Create.class), ApiServer.principal(ctx));
            ctx.status(created.isNew() ? 201 : 200).json(created.grant());
        });
        routes.get("/api/permissions", "List permissions I may manage: ?objectType=&objectId=&search=role=UserRole and "
                + "principal=alice&max=&page=", ctx -> ctx.json(grants.list(QueryParameters.text(ctx, "objectType"),
                QueryParameters.text(ctx, "objectId"), ApiServer.principal(ctx), QueryParameters.search(ctx),
                QueryParameters.paging(ctx))));
        routes.get("/api/permissions/{id}", "Show a permission", ctx -> ctx.json(grants.grant(id(ctx), ApiServer.principal(ctx))));
        routes.delete("/api/permissions/{id}", "Revoke a permission", 204, ctx -> {
            grants.delete(id(ctx), ApiServer.principal(ctx));
            ctx.status(204);
        });
    }

    private void me(Context ctx) {
        Principal principal = ApiServer.principal(ctx);
        User user = directory.user(principal.id());
        Set<Permission> held = permissions.heldAnywhere(principal.id());
        List<Permission> sorted = new ArrayList<>(held);
        sorted.sort(null);
        ctx.json(new Me(user.id(), user.name(), user.displayName(), held.stream().anyMatch(Permission::administrative), sorted));
    }

    private void manageUsers(Context ctx) {
        permissions.require(ApiServer.principal(ctx), Permission.MANAGE_USERS, ObjectRef.SYSTEM);
    }

    private void managePermissions(Context ctx) {
        permissions.require(ApiServer.principal(ctx), Permission.MANAGE_PERMISSIONS, ObjectRef.SYSTEM);
    }

    private void readDirectory(Context ctx) {
        Principal principal = ApiServer.principal(ctx);
        if (!permissions.heldAnywhere(principal.id()).contains(Permission.MANAGE_PERMISSIONS)) {
            manageUsers(ctx);
        }
    }

    private static UUID id(Context ctx) {
        return Fields.id("id", ctx.pathParam("id"));
    }
}
