package io.vireo.engine.identity;

import io.vireo.engine.auth.AuthService;
import io.vireo.engine.auth.AuthService.AccessToken;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.auth.UserDirectory;
import io.vireo.engine.common.ForbiddenException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.UnauthenticatedException;
import io.vireo.model.ErrorCode;
import io.vireo.model.Group;
import io.vireo.model.User;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * OpenStack's identity API (Keystone v3) over Vireo's users: tokens are Vireo's own bearer tokens, made by
 * {@link AuthService#passwordLogin} (so they open Vireo's API too, and every login rule holds), and projects are
 * mapped onto users and groups (docs/openstack.md):
 * <ul>
 * <li>every user has a personal project: same id, same name;</li>
 * <li>every group is a project, which its members may scope to: same id, same name;</li>
 * <li>everything is in the one domain Default (id {@code default});</li>
 * <li>a token's roles are admin, member and reader for a SuperUser (who holds every permission on the system),
 *     member and reader for anyone else.</li>
 * </ul>
 * A name that is both the user's own and one of its groups' scopes to the user's personal project.
 */
public final class IdentityService {
    private static final Keystone.Role ADMIN = role("admin");
    private static final Keystone.Role MEMBER = role("member");
    private static final Keystone.Role READER = role("reader");

    private final AuthService auth;
    private final UserDirectory directory;
    private final PermissionService permissions;
    private final ServiceCatalog catalog;
    private final Supplier<String> publicUrl;

    /** A project of the mapping: a user's personal project or a group. */
    public record Project(UUID id, String name, String description) {
        public Project {
            requireNonNull(id, "id");
            requireNonNull(name, "name");
            requireNonNull(description, "description");
        }
    }

    /** A token just issued and its Keystone document; the token itself is never in {@link #toString}. */
    public record Issued(String token, Keystone.Token body) {
        @Override
        public String toString() {
            return "Issued[" + body.auditIds() + "]";
        }
    }

    /**
     * @param features the features that serve an OpenStack API, for the catalog
     * @param publicUrl the engine's public URL (scheme, host and port, no path), what clients reach it at
     */
    public IdentityService(AuthService auth, UserDirectory directory, PermissionService permissions,
                           List<OpenStackService> features, Supplier<String> publicUrl) {
        this.auth = requireNonNull(auth, "auth");
        this.directory = requireNonNull(directory, "directory");
        this.permissions = requireNonNull(permissions, "permissions");
        this.catalog = new ServiceCatalog(features);
        this.publicUrl = requireNonNull(publicUrl, "publicUrl");
    }

    /** The identity API's URL on the engine's public URL: what a version document's self link points at. */
    public String identityUrl() {
        return publicUrl.get() + ServiceCatalog.IDENTITY.pathTemplate();
    }

    /** A password login, scoped to the project asked for (which must be the user's or one of its groups'). */
    public Issued issue(TokenRequest request, String clientAddress) {
        requireNonNull(request, "request");
        AuthService.IssuedToken issued = auth.passwordLogin(request.user(), request.password(), clientAddress,
                principal -> request.scope().map(reference -> resolve(principal, reference).id()));
        return new Issued(issued.token(), document(issued.details()));
    }

    /** The document of a token (X-Subject-Token), for its own user or a SuperUser. */
    public Keystone.Token validate(Principal caller, String subjectToken) {
        return document(subject(caller, subjectToken));
    }

    /** Revokes a token (X-Subject-Token): its own user or a SuperUser may. */
    public void revoke(Principal caller, String subjectToken) {
        subject(caller, subjectToken);
        auth.revoke(subjectToken);
    }

    /** The catalog of the caller's own token: empty for an unscoped one. */
    public List<Keystone.CatalogService> catalog(String callerToken) {
        AccessToken token = auth.token(callerToken).orElseThrow(IdentityService::invalidToken);
        return token.scope().map(scope -> catalog.entries(publicUrl.get(), scope.toString())).orElse(List.of());
    }

    /**
     * On whose behalf a request to an OpenStack API acts: the project its token is scoped to, else (an unscoped or
     * a Vireo token) the user's personal project.
     */
    public UUID projectOf(Principal principal, Optional<String> token) {
        return token.flatMap(auth::token).flatMap(AccessToken::scope).orElse(principal.id());
    }

    /** The projects the principal may scope to: its personal project first, then its groups by name. */
    public List<Project> projects(Principal principal) {
        return projectsOf(principal.id(), principal.name());
    }

    /** The projects of a user: the caller's own, or any user's for a SuperUser. */
    public List<Project> projectsOfUser(Principal caller, String userId) {
        if (userId.equals(caller.id().toString())) {
            return projects(caller);
        }
        if (!permissions.holdsEverything(caller)) {
            throw new ForbiddenException(ErrorCode.FORBIDDEN, "You may list only your own projects");
        }
        User user = uuid(userId).flatMap(directory::find).orElseThrow(() -> NotFoundException.of(ErrorCode.USER_NOT_FOUND,
                "user", userId));
        return projectsOf(UUID.fromString(user.id()), user.name());
    }

    /** One of the caller's projects, by id. */
    public Project project(Principal caller, String id) {
        return projects(caller).stream().filter(project -> project.id().toString().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException(ErrorCode.NOT_FOUND, "You have no project " + abbreviate(id)
                        + ": you may see your own and those of your groups"));
    }

    private List<Project> projectsOf(UUID userId, String userName) {
        List<Project> projects = new ArrayList<>();
        projects.add(new Project(userId, userName, "The personal project of user " + userName));
        for (Group group : directory.groupsOf(userId)) {
            projects.add(new Project(UUID.fromString(group.id()), group.name(),
                    group.description() == null || group.description().isBlank() ? "The project of group " + group.name() : group.description()));
        }
        return projects;
    }

    /** The project a login asks for, if the user may scope to it; 401 (as Keystone answers) if not. */
    private Project resolve(Principal principal, TokenRequest.ProjectReference reference) {
        List<Project> projects = projects(principal);
        Optional<Project> found = switch (reference) {
            case TokenRequest.ProjectReference.ById(String id) ->
                    projects.stream().filter(project -> project.id().toString().equals(id)).findFirst();
            case TokenRequest.ProjectReference.ByName(String name) ->
                    projects.stream().filter(project -> project.name().equals(name)).findFirst();
        };
        return found.orElseThrow(() -> new UnauthenticatedException(ErrorCode.UNAUTHORIZED, "User " + principal.name()
                + " has no project " + abbreviate(switch (reference) {
                    case TokenRequest.ProjectReference.ById(String id) -> id;
                    case TokenRequest.ProjectReference.ByName(String name) -> name;
                }) + " in domain " + Keystone.DOMAIN_NAME + ": it may scope to its own project (" + principal.name()
                + ") and to those of its groups"));
    }

    private AccessToken subject(Principal caller, String subjectToken) {
        if (subjectToken == null || subjectToken.isBlank()) {
            throw new InvalidInputException(ErrorCode.MISSING_FIELD, "Give the token to check in the X-Subject-Token header");
        }
        AccessToken token = auth.token(subjectToken).orElseThrow(() -> new NotFoundException(ErrorCode.NOT_FOUND,
                "The token in X-Subject-Token is not valid: it expired, was revoked, or its user was disabled"));
        if (!token.principal().id().equals(caller.id()) && !permissions.holdsEverything(caller)) {
            throw new ForbiddenException(ErrorCode.FORBIDDEN, "You may check and revoke only your own tokens");
        }
        return token;
    }

    /** The Keystone document of a token, with its project as it is now (a group the user left is no scope any more). */
    private Keystone.Token document(AccessToken token) {
        Principal principal = token.principal();
        Keystone.User user = new Keystone.User(principal.id().toString(), principal.name(), Keystone.Domain.DEFAULT, null);
        List<String> methods = List.of("password");
        List<String> auditIds = List.of(token.publicId());
        String expires = Keystone.time(token.expiresAt());
        String issued = Keystone.time(token.issuedAt());
        if (token.scope().isEmpty()) {
            return new Keystone.Token(methods, user, auditIds, expires, issued, null, null, null, null);
        }
        UUID scope = token.scope().get();
        Project project = projects(principal).stream().filter(p -> p.id().equals(scope)).findFirst()
                .orElseThrow(IdentityService::invalidToken);
        List<Keystone.Role> roles = permissions.holdsEverything(principal) ? List.of(ADMIN, MEMBER, READER)
                : List.of(MEMBER, READER);
        return new Keystone.Token(methods, user, auditIds, expires, issued,
                new Keystone.ScopedProject(project.id().toString(), project.name(), Keystone.Domain.DEFAULT), false, roles,
                catalog.entries(publicUrl.get(), project.id().toString()));
    }

    private static NotFoundException invalidToken() {
        return new NotFoundException(ErrorCode.NOT_FOUND, "The token is not valid any more: it expired, was revoked, its "
                + "user was disabled, or its user left the group it was scoped to");
    }

    private static Keystone.Role role(String name) {
        return new Keystone.Role(ServiceCatalog.id("role:" + name), name);
    }

    private static Optional<UUID> uuid(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
    }
}
