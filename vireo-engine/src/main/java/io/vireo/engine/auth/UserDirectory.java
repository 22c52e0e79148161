package io.vireo.engine.auth;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Rows;
import io.vireo.model.ErrorCode;
import io.vireo.model.Group;
import io.vireo.model.User;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** The engine's own directory: users (Argon2id password hashes) and groups of users. */
public final class UserDirectory {
    static final int MIN_PASSWORD_LENGTH = 8;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final EventLog events;

    public UserDirectory(Jdbi jdbi, PasswordHasher hasher, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hasher = requireNonNull(hasher, "hasher");
        this.events = requireNonNull(events, "events");
    }

    public User create(User.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        String hash = hasher.hash(password(Fields.required("password", request.password())));
        String displayName = text("displayName", request.displayName());
        String email = email(request.email());
        UUID id = UUID.randomUUID();
        unique("user", name, h -> {
            h.createUpdate("INSERT INTO users (id, name, password_hash, display_name, email) VALUES (:id, :name, :hash, "
                            + ":display, :email)")
                    .bind("id", id).bind("name", name).bind("hash", hash).bind("display", displayName).bind("email", email)
                    .execute();
            events.write(h, EventLog.Entry.info("USER_CREATED", "User " + name + " was created"));
        });
        return user(id);
    }

    public List<User> users() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users ORDER BY name").map((rs, ctx) -> toUser(rs)).list());
    }

    public User user(UUID id) {
        return find(id).orElseThrow(() -> NotFoundException.of(ErrorCode.USER_NOT_FOUND, "user", id));
    }

    public Optional<User> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> toUser(rs)).findOne());
    }

    /** Changes what is given; a disabled user's tokens are revoked at once, and so are all of them on a new password. */
    public User update(UUID id, User.Update update) {
        Fields.required("body", update);
        User user = user(id);
        String displayName = update.displayName() == null ? null : text("displayName", update.displayName());
        String email = update.email() == null ? null : email(update.email());
        String hash = update.password() == null ? null : hasher.hash(password(update.password()));
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE users SET display_name = COALESCE(:display, display_name), email = COALESCE(:email, email), "
                            + "password_hash = COALESCE(:hash, password_hash), enabled = COALESCE(CAST(:enabled AS boolean), enabled), "
                            + "failed_logins = CASE WHEN CAST(:reset AS boolean) THEN 0 ELSE failed_logins END, "
                            + "locked_until = CASE WHEN CAST(:reset AS boolean) THEN NULL ELSE locked_until END WHERE id = :id")
                    .bind("id", id).bind("display", displayName).bind("email", email).bind("hash", hash)
                    .bind("enabled", update.enabled()).bind("reset", hash != null).execute();
            if (hash != null || Boolean.FALSE.equals(update.enabled())) {
                h.createUpdate("DELETE FROM access_tokens WHERE user_id = :id").bind("id", id).execute();
            }
            events.write(h, EventLog.Entry.info("USER_UPDATED", "User " + user.name() + " was changed"
                    + (Boolean.FALSE.equals(update.enabled()) ? " (disabled)" : "")));
        });
        return user(id);
    }

    /** Removes a user with its tokens, group memberships and permissions. */
    public void delete(UUID id, Principal caller) {
        User user = user(id);
        if (id.equals(caller.id())) {
            throw new InvalidInputException(ErrorCode.INVALID_FIELD, "You cannot remove your own account " + user.name(),
                    Map.of("field", "id"));
        }
        jdbi.useTransaction(h -> {
            // tokens, memberships and permissions go with the row (ON DELETE CASCADE); console tickets keep the name
            h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute();
            events.write(h, EventLog.Entry.info("USER_REMOVED", "User " + user.name() + " was removed"));
        });
    }

    public Group createGroup(Group.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        String description = text("description", request.description());
        UUID id = UUID.randomUUID();
        unique("group", name, h -> h.createUpdate("INSERT INTO user_groups (id, name, description) VALUES (:id, :name, :description)")
                .bind("id", id).bind("name", name).bind("description", description).execute());
        return group(id);
    }

    public List<Group> groups() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM user_groups ORDER BY name").map((rs, ctx) -> toGroup(h, rs)).list());
    }

    public Group group(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM user_groups WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> toGroup(h, rs)).findOne())
                .orElseThrow(() -> NotFoundException.of(ErrorCode.GROUP_NOT_FOUND, "group", id));
    }

    public void deleteGroup(UUID id) {
        Group group = group(id);
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM user_groups WHERE id = :id").bind("id", id).execute());
        events.write(EventLog.Entry.info("GROUP_REMOVED", "Group " + group.name() + " was removed"));
    }

    public Group addMember(UUID groupId, String userId) {
        Group group = group(groupId);
        User user = user(Fields.id("userId", userId));
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO group_members (group_id, user_id) VALUES (:group, :user) "
                        + "ON CONFLICT DO NOTHING")
                .bind("group", groupId).bind("user", UUID.fromString(user.id())).execute());
        events.write(EventLog.Entry.info("GROUP_MEMBER_ADDED", "User " + user.name() + " joined group " + group.name()));
        return group(groupId);
    }

    public Group removeMember(UUID groupId, UUID userId) {
        Group group = group(groupId);
        User user = user(userId);
        int removed = jdbi.withHandle(h -> h.createUpdate("DELETE FROM group_members WHERE group_id = :group AND user_id = :user")
                .bind("group", groupId).bind("user", userId).execute());
        if (removed == 0) {
            throw new NotFoundException(ErrorCode.USER_NOT_FOUND, "User " + user.name() + " is not a member of group " + group.name(),
                    Map.of("userId", userId.toString()));
        }
        return group(groupId);
    }

    private void unique(String kind, String name, java.util.function.Consumer<Handle> insert) {
        try {
            jdbi.useTransaction(insert::accept);
        } catch (RuntimeException e) {
            if (Rows.isUniqueViolation(e)) {
                throw new ConflictException(ErrorCode.DUPLICATE_NAME, "A " + kind + " named " + name + " exists already",
                        Map.of("name", name));
            }
            throw e;
        }
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

    private static User toUser(ResultSet rs) throws SQLException {
        return new User(rs.getObject("id").toString(), rs.getString("name"), rs.getString("display_name"),
                rs.getString("email"), rs.getBoolean("enabled"), Rows.instant(rs, "created_at"));
    }

    private static Group toGroup(Handle h, ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        List<String> members = h.createQuery("SELECT m.user_id FROM group_members m JOIN users u ON u.id = m.user_id "
                + "WHERE m.group_id = :id ORDER BY u.name").bind("id", id).mapTo(UUID.class).map(UUID::toString).list();
        return new Group(id.toString(), rs.getString("name"), rs.getString("description"), members,
                Rows.instant(rs, "created_at"));
    }
}
