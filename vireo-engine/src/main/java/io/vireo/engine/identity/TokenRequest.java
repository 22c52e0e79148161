package io.vireo.engine.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.engine.auth.AuthService.LoginUser;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.UnauthenticatedException;
import io.vireo.model.ErrorCode;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A request for a token ({@code POST /identity/v3/auth/tokens}), read from its JSON body: the password method,
 * the user by id or by name in the Default domain, and no scope or a project by id or by name in the Default
 * domain. Members Vireo does not use are ignored, as Keystone's schema allows them. A body of the wrong shape
 * is a 400 naming the field; what Keystone refuses as a failed authentication (another method, another domain)
 * is a 401.
 */
public record TokenRequest(LoginUser user, String password, Optional<ProjectReference> scope) {
    public TokenRequest {
        requireNonNull(user, "user");
        requireNonNull(password, "password");
        requireNonNull(scope, "scope");
    }

    /** A project to scope the token to: by id, or by name (in the Default domain). */
    public sealed interface ProjectReference {
        record ById(String id) implements ProjectReference {
        }

        record ByName(String name) implements ProjectReference {
        }
    }

    @Override
    public String toString() {
        return "TokenRequest[user=" + user + ", scope=" + scope + "]";
    }

    public static TokenRequest parse(JsonNode body) {
        JsonNode auth = object(body, "auth", "auth");
        JsonNode identity = object(auth, "identity", "auth.identity");
        JsonNode methods = identity.get("methods");
        if (methods == null || methods.isNull()) {
            throw InvalidInputException.missing("auth.identity.methods");
        }
        if (!methods.isArray() || methods.isEmpty()) {
            throw InvalidInputException.invalid("auth.identity.methods", "The field 'auth.identity.methods' must be a "
                    + "list of authentication methods, such as [\"password\"]");
        }
        for (JsonNode method : methods) {
            if (!method.isTextual()) {
                throw InvalidInputException.invalid("auth.identity.methods", "The field 'auth.identity.methods' must hold "
                        + "method names (strings)");
            }
            if (!method.textValue().equals("password")) {
                throw new UnauthenticatedException(ErrorCode.UNAUTHORIZED, "The authentication method '"
                        + abbreviate(method.textValue()) + "' is not supported: Vireo's identity API authenticates with "
                        + "the password method only");
            }
        }
        JsonNode user = object(object(identity, "password", "auth.identity.password"), "user", "auth.identity.password.user");
        String password = text(user, "password", "auth.identity.password.user").orElseThrow(() ->
                InvalidInputException.missing("auth.identity.password.user.password"));
        Optional<String> id = text(user, "id", "auth.identity.password.user");
        Optional<String> name = text(user, "name", "auth.identity.password.user");
        LoginUser loginUser;
        if (id.isPresent()) {
            optionalDomain(user, "auth.identity.password.user.domain");
            loginUser = new LoginUser.ById(id.get());
        } else if (name.isPresent()) {
            domain(user, "auth.identity.password.user.domain");
            loginUser = new LoginUser.ByName(name.get());
        } else {
            throw new InvalidInputException(ErrorCode.MISSING_FIELD, "Name the user: give auth.identity.password.user.id, "
                    + "or its name and domain", Map.of("field", "auth.identity.password.user.name"));
        }
        return new TokenRequest(loginUser, password, scope(auth.get("scope")));
    }

    private static Optional<ProjectReference> scope(JsonNode scope) {
        if (scope == null || scope.isNull() || scope.isTextual() && scope.textValue().equals("unscoped")) {
            return Optional.empty();
        }
        if (!scope.isObject()) {
            throw InvalidInputException.invalid("auth.scope", "The field 'auth.scope' must be an object such as "
                    + "{\"project\": {\"name\": ..., \"domain\": {\"name\": \"Default\"}}}");
        }
        JsonNode project = scope.get("project");
        if (project == null || project.isNull()) {
            String asked = scope.properties().stream().map(Map.Entry::getKey).findFirst().orElse("nothing");
            throw InvalidInputException.invalid("auth.scope", "Vireo's identity API scopes tokens to projects only, not to "
                    + abbreviate(asked) + "; give auth.scope.project, or no scope for an unscoped token");
        }
        if (!project.isObject()) {
            throw InvalidInputException.invalid("auth.scope.project", "The field 'auth.scope.project' must be an object");
        }
        Optional<String> id = text(project, "id", "auth.scope.project");
        if (id.isPresent()) {
            optionalDomain(project, "auth.scope.project.domain");
            return Optional.of(new ProjectReference.ById(id.get()));
        }
        Optional<String> name = text(project, "name", "auth.scope.project");
        if (name.isEmpty()) {
            throw new InvalidInputException(ErrorCode.MISSING_FIELD, "Name the project: give auth.scope.project.id, or its "
                    + "name and domain", Map.of("field", "auth.scope.project.name"));
        }
        domain(project, "auth.scope.project.domain");
        return Optional.of(new ProjectReference.ByName(name.get()));
    }

    /** A name needs its domain, which must be Vireo's one domain. */
    private static void domain(JsonNode parent, String field) {
        JsonNode domain = parent.get("domain");
        if (domain == null || domain.isNull()) {
            throw new InvalidInputException(ErrorCode.MISSING_FIELD, "A name needs its domain: give " + field
                    + " as {\"name\": \"" + Keystone.DOMAIN_NAME + "\"} or {\"id\": \"" + Keystone.DOMAIN_ID + "\"}",
                    Map.of("field", field));
        }
        optionalDomain(parent, field);
    }

    private static void optionalDomain(JsonNode parent, String field) {
        JsonNode domain = parent.get("domain");
        if (domain == null || domain.isNull()) {
            return;
        }
        if (!domain.isObject()) {
            throw InvalidInputException.invalid(field, "The field '" + field + "' must be an object with an id or a name");
        }
        Optional<String> id = text(domain, "id", field);
        Optional<String> name = text(domain, "name", field);
        if (id.isEmpty() && name.isEmpty()) {
            throw new InvalidInputException(ErrorCode.MISSING_FIELD, "The field '" + field + "' needs an id or a name",
                    Map.of("field", field));
        }
        if (id.isPresent() && !id.get().equals(Keystone.DOMAIN_ID)
                || name.isPresent() && !name.get().equalsIgnoreCase(Keystone.DOMAIN_NAME)) {
            throw new UnauthenticatedException(ErrorCode.UNAUTHORIZED, "There is no domain "
                    + abbreviate(id.orElseGet(name::get)) + ": Vireo has one domain, " + Keystone.DOMAIN_NAME + " (id "
                    + Keystone.DOMAIN_ID + ")");
        }
    }

    private static JsonNode object(JsonNode parent, String member, String field) {
        JsonNode value = parent == null ? null : parent.get(member);
        if (value == null || value.isNull()) {
            throw InvalidInputException.missing(field);
        }
        if (!value.isObject()) {
            throw InvalidInputException.invalid(field, "The field '" + field + "' must be an object");
        }
        return value;
    }

    private static Optional<String> text(JsonNode parent, String member, String parentField) {
        JsonNode value = parent.get(member);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        String field = parentField + "." + member;
        if (!value.isTextual()) {
            throw InvalidInputException.invalid(field, "The field '" + field + "' must be a string");
        }
        if (value.textValue().isEmpty()) {
            throw InvalidInputException.invalid(field, "The field '" + field + "' must not be empty");
        }
        return Optional.of(value.textValue());
    }

    private static String abbreviate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
    }
}
