package io.vireo.engine.auth;

import io.vireo.engine.common.Fields;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Paging;
import io.vireo.engine.common.Principal;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.UniqueNames;
import io.vireo.model.ErrorCode;
import io.vireo.model.Group;
import io.vireo.model.User;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The engine's own directory: users (Argon2id password hashes) and groups of users. Whoever manages
 * users may change, disable or remove only users who hold no more than it does, and change the
 * members of groups that hold no more than it does ({@link EscalationGuard}); nothing may take the
 * last enabled SuperUser away.
 */
public final class UserDirectory {
    static final int MIN_PASSWORD_LENGTH = 8;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final EventLog events;
    private final UserRepository users = new UserRepository();
    private final GroupRepository groups = new GroupRepository();
    private final TokenRepository tokens = new TokenRepository();
    private final LoginFailureRepository loginFailures = new LoginFailureRepository();
    private final EscalationGuard guard;

    public UserDirectory(Jdbi jdbi, PasswordHasher hasher, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hasher = requireNonNull(hasher, "hasher");
        this.events = requireNonNull(events, "events");
        this.guard = new EscalationGuard(jdbi);
    }

    public User create(User.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        String hash = hasher.hash(password(Fields.required("password", request.password())));
        String displayName = text("displayName", request.displayName());
        String email = email(request.email());
        UUID id = UUID.randomUUID();
        return UniqueNames.insert(jdbi, "user", name, h -> {
            users.insert(h, id, name, hash, displayName, email);
            events.write(h, EventLog.Entry.info("USER_CREATED", "User " + name + " was created"));
            return users.find(h, id).orElseThrow();
        });
    }

    /** One page of the users that match the search, by name. */
    public List<User> users(Optional<String> search, Paging paging) {
        return jdbi.withHandle(h -> users.list(h, search, paging));
    }

    public User user(UUID id) {
        return find(id).orElseThrow(() -> NotFoundException.of(ErrorCode.USER_NOT_FOUND, "user", id));
    }

    public Optional<User> find(UUID id) {
        return jdbi.withHandle(h -> users.find(h, id));
    }

    /**
     * Changes what is given; a disabled user's tokens are revoked at once, and so are all of them on a
     * new password (which also lifts the delays its failed logins earned).
     */
    public User update(UUID id, User.Update update, Principal caller) {
        Fields.required("body", update);
        User user = user(id);
        String displayName = update.displayName() == null ? null : text("displayName", update.displayName());
        String email = update.email() == null ? null : email(update.email());
        String password = update.password() == null ? null : password(update.password());
        boolean disable = Boolean.FALSE.equals(update.enabled());
        guard.user(caller, user, disable ? "disable" : "change");
        String hash = password == null ? null : hasher.hash(password);
        jdbi.useTransaction(h -> guard.keepingASuperUser(h, "Disabling user " + user.name(), () -> {
            users.update(h, id, new UserRepository.Changes(displayName, email, hash, update.enabled()));
            if (hash != null || disable) {
                tokens.deleteOfUser(h, id);
            }
            if (hash != null) {
                loginFailures.forget(h, user.name());
            }
            events.write(h, EventLog.Entry.info("USER_UPDATED", "User " + user.name() + " was changed"
                    + (disable ? " (disabled)" : "")));
            return null;
        }));
        return user(id);
    }

    /** Removes a user with its tokens, group memberships and permissions. */
    public void delete(UUID id, Principal caller) {
        User user = user(id);
        if (id.equals(caller.id())) {
            throw new InvalidInputException(ErrorCode.INVALID_FIELD, "You cannot remove your own account " + user.name(),
                    Map.of("field", "id"));
        }
        guard.user(caller, user, "remove");
        jdbi.useTransaction(h -> guard.keepingASuperUser(h, "Removing user " + user.name(), () -> {
            // tokens, memberships and permissions go with the row; console tickets keep the name
            users.delete(h, id);
            events.write(h, EventLog.Entry.info("USER_REMOVED", "User " + user.name() + " was removed"));
            return null;
        }));
    }

    public Group createGroup(Group.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        String description = text("description", request.description());
        UUID id = UUID.randomUUID();
        return UniqueNames.insert(jdbi, "group", name, h -> {
            groups.insert(h, id, name, description);
            return groups.find(h, id).orElseThrow();
        });
    }

    /** One page of the groups that match the search, by name, with their members. */
    public List<Group> groups(Optional<String> search, Paging paging) {
        return jdbi.withHandle(h -> groups.list(h, search, paging));
    }

    public Group group(UUID id) {
        return jdbi.withHandle(h -> groups.find(h, id))
                .orElseThrow(() -> NotFoundException.of(ErrorCode.GROUP_NOT_FOUND, "group", id));
    }

    /** The groups the user is in, by name, with their members. */
    public List<Group> groupsOf(UUID userId) {
        return jdbi.withHandle(h -> groups.ofMember(h, userId));
    }

    public void deleteGroup(UUID id, Principal caller) {
        Group group = group(id);
        guard.group(caller, group, "remove");
        jdbi.useTransaction(h -> guard.keepingASuperUser(h, "Removing group " + group.name(), () -> {
            groups.delete(h, id);
            events.write(h, EventLog.Entry.info("GROUP_REMOVED", "Group " + group.name() + " was removed"));
            return null;
        }));
    }

    /** Adds a user to a group: the user gains what the group holds, so the caller must hold it too. */
    public Group addMember(UUID groupId, String userId, Principal caller) {
        Group group = group(groupId);
        User user = user(Fields.id("userId", userId));
        guard.group(caller, group, "add members to");
        jdbi.useTransaction(h -> {
            groups.addMember(h, groupId, UUID.fromString(user.id()));
            events.write(h, EventLog.Entry.info("GROUP_MEMBER_ADDED", "User " + user.name() + " joined group " + group.name()));
        });
        return group(groupId);
    }

    public Group removeMember(UUID groupId, UUID userId, Principal caller) {
        Group group = group(groupId);
        User user = user(userId);
        guard.group(caller, group, "take members out of");
        boolean removed = jdbi.inTransaction(h -> guard.keepingASuperUser(h, "Taking user " + user.name() + " out of group "
                + group.name(), () -> groups.removeMember(h, groupId, userId)));
        if (!removed) {
            throw new NotFoundException(ErrorCode.USER_NOT_FOUND, "User " + user.name() + " is not a member of group " + group.name(),
                    Map.of("userId", userId.toString()));
        }
        return group(groupId);
    }

    private static String password(String password) {
        if (password.length() < MIN_PASSWORD_LENGTH || password.length() > 1024) {
            throw InvalidInputException.invalid("password", "A password needs " + MIN_PASSWORD_LENGTH + " to 1024 characters");
        }
        return password;
    }

    private static String text(String field, String value) {
        if (value != null && value.length() > 200) {
            throw InvalidInputException.invalid(field, "The " + field + " is longer than 200 characters");
        }
        return value == null ? "" : value;
    }

    private static String email(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (value.length() > 254 || !EMAIL.matcher(value).matches()) {
            throw InvalidInputException.invalid("email", "'" + value + "' is not an e-mail address");
        }
        return value;
    }
}
