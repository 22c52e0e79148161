package io.vireo.engine.auth;

import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.store.Batches;
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
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Users, passwords and bearer tokens. Tokens live in PostgreSQL (hashed), so a restarted engine
 * still honours them. After {@value #MAX_FAILED_LOGINS} wrong passwords a user is locked out for a while.
 */
public final class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    static final int MAX_FAILED_LOGINS = 5;
    private static final String ADMIN = "admin";
    private static final Duration LOCKOUT = Duration.ofMinutes(5);
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(8);

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final UserRepository users = new UserRepository();
    private final TokenRepository tokens = new TokenRepository();
    private final PermissionRepository grants = new PermissionRepository();

    public AuthService(Jdbi jdbi, PasswordHasher hasher) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hasher = requireNonNull(hasher, "hasher");
    }

    /** Creates the admin user on first start; answers the password only if one was generated. */
    public Optional<String> ensureAdmin(Optional<String> configuredPassword) {
        if (jdbi.withHandle(h -> users.exists(h, ADMIN))) {
            return Optional.empty();
        }
        String password = configuredPassword.orElseGet(Secrets::randomPassword);
        String hash = hasher.hash(password);
        UUID id = UUID.randomUUID();
        jdbi.useTransaction(h -> {
            users.insert(h, id, ADMIN, hash, "Administrator", "");
            grants.insert(h, UUID.randomUUID(), id, false, BuiltInRole.SUPER_USER.id(), ObjectRef.SYSTEM);
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
        UserRepository.Credentials user = jdbi.withHandle(h -> users.credentials(h, username)).orElse(null);
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
            users.recordLogin(h, user.id());
            tokens.insert(h, Secrets.sha256(token), user.id(), OffsetDateTime.now(ZoneOffset.UTC).plus(TOKEN_LIFETIME));
        });
        log.info("User {} logged in", username);
        return new TokenResponse(token, "Bearer", TOKEN_LIFETIME.toSeconds());
    }

    private void recordFailure(UserRepository.Credentials user) {
        int failures = user.failedLogins() + 1;
        OffsetDateTime lockedUntil = failures >= MAX_FAILED_LOGINS ? OffsetDateTime.now(ZoneOffset.UTC).plus(LOCKOUT) : null;
        jdbi.useHandle(h -> users.recordFailedLogin(h, user.id(), failures, lockedUntil));
    }

    private static DomainException badCredentials() {
        return new InvalidInputException(ErrorCode.INVALID_GRANT, "The username or password is wrong");
    }

    /** The enabled user a valid, unexpired bearer token belongs to, with its groups. */
    public Optional<Principal> principalForToken(String token) {
        return jdbi.withHandle(h -> tokens.principal(h, Secrets.sha256(token)));
    }

    /** Removes the tokens that expired longer than {@code grace} ago, in batches (the leader's pruning); answers how many. */
    public long pruneExpiredTokens(Instant now, Duration grace) {
        OffsetDateTime cutoff = now.minus(grace).atOffset(ZoneOffset.UTC);
        return Batches.deleteAll(jdbi, (h, limit) -> tokens.deleteExpiredBefore(h, cutoff, limit));
    }
}
