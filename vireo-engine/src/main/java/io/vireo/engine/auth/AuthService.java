package io.vireo.engine.auth;

import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.DomainException;
import io.vireo.model.ErrorCode;
import io.vireo.model.TokenResponse;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Users, passwords and bearer tokens. Tokens live in PostgreSQL (hashed), so a restarted engine
 * still honours them. After {@value #MAX_FAILED_LOGINS} wrong passwords a user is locked out for a while.
 */
public final class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    static final int MAX_FAILED_LOGINS = 5;
    private static final Duration LOCKOUT = Duration.ofMinutes(5);
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(8);

    private final Jdbi jdbi;
    private final PasswordHasher hasher;

    public AuthService(Jdbi jdbi, PasswordHasher hasher) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hasher = requireNonNull(hasher, "hasher");
    }

    /** Creates the admin user on first start; answers the password only if one was generated. */
    public Optional<String> ensureAdmin(Optional<String> configuredPassword) {
        boolean exists = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM users WHERE name = 'admin'")
                .mapTo(Integer.class).one()) > 0;
        if (exists) {
            return Optional.empty();
        }
        String password = configuredPassword.orElseGet(Secrets::randomPassword);
        String hash = hasher.hash(password);
        UUID id = UUID.randomUUID();
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO users (id, name, password_hash, display_name) VALUES (:id, 'admin', :hash, 'Administrator')")
                    .bind("id", id).bind("hash", hash).execute();
            new PermissionService(jdbi).grant(h, id, BuiltInRole.SUPER_USER, ObjectRef.SYSTEM);
        });
        log.info("Created the admin user, SuperUser on the system");
        return configuredPassword.isPresent() ? Optional.empty() : Optional.of(password);
    }

    public TokenResponse login(String grantType, String username, String password) {
        if (!"password".equals(grantType)) {
            throw new InvalidInputException(ErrorCode.INVALID_GRANT, "Only grant_type=password is supported");
        }
        if (username == null || username.isBlank() || password == null) {
            throw new InvalidInputException(ErrorCode.INVALID_GRANT, "Give a username and a password");
        }
        UserRow user = jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, password_hash, failed_logins, locked_until, enabled FROM users WHERE name = :name")
                .bind("name", username)
                .map((rs, ctx) -> new UserRow(rs.getObject("id", UUID.class), rs.getString("password_hash"),
                        rs.getInt("failed_logins"), rs.getObject("locked_until", OffsetDateTime.class),
                        rs.getBoolean("enabled")))
                .findOne().orElse(null));
        if (user == null) {
            hasher.verify(password, hasher.hash("timing"));
            throw badCredentials();
        }
        if (!user.enabled()) {
            hasher.verify(password, user.passwordHash());
            throw new InvalidInputException(ErrorCode.INVALID_GRANT, "The account " + username + " is disabled");
        }
        if (user.lockedUntil() != null && user.lockedUntil().toInstant().isAfter(Instant.now())) {
            throw new InvalidInputException(ErrorCode.INVALID_GRANT, "The account " + username
                    + " is locked after too many failed logins; try again after " + user.lockedUntil());
        }
        if (!hasher.verify(password, user.passwordHash())) {
            recordFailure(user);
            throw badCredentials();
        }
        String token = Secrets.randomToken();
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id")
                    .bind("id", user.id()).execute();
            h.createUpdate("DELETE FROM access_tokens WHERE expires_at < now()").execute();
            h.createUpdate("INSERT INTO access_tokens (token_hash, user_id, expires_at) VALUES (:hash, :user, :expires)")
                    .bind("hash", Secrets.sha256(token)).bind("user", user.id())
                    .bind("expires", OffsetDateTime.now(ZoneOffset.UTC).plus(TOKEN_LIFETIME)).execute();
        });
        log.info("User {} logged in", username);
        return new TokenResponse(token, "Bearer", TOKEN_LIFETIME.toSeconds());
    }

    private void recordFailure(UserRow user) {
        int failures = user.failedLogins() + 1;
        OffsetDateTime lockedUntil = failures >= MAX_FAILED_LOGINS ? OffsetDateTime.now(ZoneOffset.UTC).plus(LOCKOUT) : null;
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET failed_logins = :failures, locked_until = CAST(:locked AS timestamptz) WHERE id = :id")
                .bind("failures", lockedUntil == null ? failures : 0).bind("locked", lockedUntil).bind("id", user.id())
                .execute());
    }

    private static DomainException badCredentials() {
        return new InvalidInputException(ErrorCode.INVALID_GRANT, "The username or password is wrong");
    }

    /** The name of the user a bearer token belongs to, if the token is valid and not expired. */
    public Optional<String> userForToken(String token) {
        return principalForToken(token).map(Principal::name);
    }

    /** The enabled user a valid, unexpired bearer token belongs to, with its groups. */
    public Optional<Principal> principalForToken(String token) {
        return jdbi.withHandle(h -> h.createQuery("SELECT u.id, u.name, ARRAY(SELECT gm.group_id FROM group_members gm "
                        + "WHERE gm.user_id = u.id) AS group_ids FROM access_tokens t JOIN users u ON u.id = t.user_id "
                        + "WHERE t.token_hash = :hash AND t.expires_at > now() AND u.enabled")
                .bind("hash", Secrets.sha256(token))
                .map((rs, ctx) -> new Principal(rs.getObject("id", UUID.class), rs.getString("name"),
                        Set.of((UUID[]) rs.getArray("group_ids").getArray())))
                .findOne());
    }

    private record UserRow(UUID id, String passwordHash, int failedLogins, OffsetDateTime lockedUntil, boolean enabled) {
    }
}
