package io.vireo.engine.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.api.RouteTable.RequestBody;
import io.vireo.engine.common.Principal;

import java.util.List;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * OpenStack's identity API (Keystone v3) under {@value #PREFIX}: version discovery, tokens (issue, validate,
 * revoke), the caller's catalog and projects. Every error under {@value #PREFIX} answers in Keystone's shape.
 * Tokens are read from {@code X-Auth-Token} (or {@code Authorization: Bearer}) by the HTTP edge, as on /api.
 */
public final class IdentityResource implements Consumer<RouteTable> {
    public static final String PREFIX = "/identity";
    private static final String V3 = PREFIX + "/v3";
    private static final String SUBJECT_TOKEN = "X-Subject-Token";

    private final IdentityService identity;

    public IdentityResource(IdentityService identity) {
        this.identity = requireNonNull(identity, "identity");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.errorShape(PREFIX, (status, error) -> Keystone.error(status, error.message()));
        routes.get(PREFIX, "OpenStack identity: the API versions (Keystone's multiple-choice document)", 300,
                ctx -> ctx.status(300).json(new Keystone.VersionsDocument(new Keystone.Versions(List.of(version())))));
        routes.get(V3, "OpenStack identity v3: the version document, whose self link clients authenticate at",
                ctx -> ctx.json(new Keystone.VersionDocument(version())));
        routes.post(V3 + "/auth/tokens", "OpenStack identity: a token for a password (the Vireo bearer token, in the "
                        + "X-Subject-Token header), scoped to a project of the user or unscoped; 401 in Keystone's shape when "
                        + "refused", 201, RequestBody.of(JsonNode.class), this::issue);
        RouteTable withToken = routes.authenticated();
        withToken.get(V3 + "/auth/tokens", "OpenStack identity: the document of the token in X-Subject-Token (HEAD: "
                + "whether it is valid); for its own user or a SuperUser", this::validate);
        withToken.delete(V3 + "/auth/tokens", "OpenStack identity: revoke the token in X-Subject-Token; for its own "
                + "user or a SuperUser", 204, this::revoke);
        withToken.get(V3 + "/auth/catalog", "OpenStack identity: the service catalog of the caller's token",
                ctx -> ctx.json(new Keystone.CatalogDocument(identity.catalog(ApiServer.token(ctx).orElseThrow()),
                        links(ctx))));
        withToken.get(V3 + "/auth/projects", "OpenStack identity: the projects the caller may scope to",
                ctx -> projects(ctx, identity.projects(ApiServer.principal(ctx))));
        withToken.get(V3 + "/users/{userId}/projects", "OpenStack identity: a user's projects (the caller's own, "
                + "any user's for a SuperUser)", ctx -> projects(ctx, identity.projectsOfUser(ApiServer.principal(ctx),
                ctx.pathParam("userId"))));
        withToken.get(V3 + "/projects", "OpenStack identity: the caller's projects, ?name= for one by name",
                ctx -> projects(ctx, identity.projects(ApiServer.principal(ctx)).stream()
                        .filter(project -> ctx.queryParam("name") == null || project.name().equals(ctx.queryParam("name")))
                        .toList()));
        withToken.get(V3 + "/projects/{projectId}", "OpenStack identity: one of the caller's projects", ctx ->
                ctx.json(new Keystone.ProjectDocument(project(identity.project(ApiServer.principal(ctx),
                        ctx.pathParam("projectId"))))));
    }

    private void issue(Context ctx) {
        TokenRequest request = TokenRequest.parse(ApiServer.body(ctx, JsonNode.class));
        IdentityService.Issued issued = identity.issue(request, ctx.ip());
        ctx.header(SUBJECT_TOKEN, issued.token());
        ctx.status(201).json(new Keystone.TokenDocument(issued.body()));
    }

    private void validate(Context ctx) {
        Principal caller = ApiServer.principal(ctx);
        Keystone.Token token = identity.validate(caller, ctx.header(SUBJECT_TOKEN));
        ctx.header(SUBJECT_TOKEN, ctx.header(SUBJECT_TOKEN));
        ctx.json(new Keystone.TokenDocument(token));
    }

    private void revoke(Context ctx) {
        identity.revoke(ApiServer.principal(ctx), ctx.header(SUBJECT_TOKEN));
        ctx.status(204);
    }

    private Keystone.Version version() {
        return new Keystone.Version(Keystone.VERSION, "stable", "2020-04-07T00:00:00Z",
                List.of(new Keystone.Link("self", identity.identityUrl() + "/")),
                List.of(new Keystone.MediaType("application/json", "application/vnd.openstack.identity-v3+json")));
    }

    private void projects(Context ctx, List<IdentityService.Project> projects) {
        ctx.json(new Keystone.ProjectsDocument(projects.stream().map(this::project).toList(), links(ctx)));
    }

    private Keystone.Project project(IdentityService.Project project) {
        return new Keystone.Project(project.id().toString(), project.name(), project.description(), Keystone.DOMAIN_ID,
                Keystone.DOMAIN_ID, true, false, List.of(),
                new Keystone.SelfLink(identity.identityUrl() + "/projects/" + project.id()));
    }

    private Keystone.ListLinks links(Context ctx) {
        return new Keystone.ListLinks(identity.identityUrl() + ctx.path().substring(V3.length()), null, null);
    }
}
