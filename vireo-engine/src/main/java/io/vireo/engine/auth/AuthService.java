package io.vireo.engine.auth;

import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.TooManyRequestsException;
import io.vireo.engine.store.Batches;
import io.vireo.model.ErrorCode;
import io.vireo.model.TokenResponse;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Users, passwords and bearer tokens. Tokens live in PostgreSQL (hashed), so a restarted engine
 * still honours them; a user holds at most {@link LoginLimits#tokensPerUser()} of them, the oldest
 * revoked first.
 *
 * <p>Logins are throttled per client address: {@link LoginLimits#attemptsPerMinute()} requests a
 * minute, and after {@value #FREE_FAILURES} wrong passwords in a row for one user name, a delay
 * before each further attempt that doubles from a second up to {@link #MAX_DELAY}. No account is
 * ever locked, so guesses from one address cannot lock anyone out, not even the last SuperUser.
 * An unknown user, a disabled one and a wrong password get the same answer after the same work
 * (one password hash check).
 */
public final class AuthService {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);
    static final int FREE_FAILURES = 5;
    static final Duration MAX_DELAY = Duration.ofMinutes(15);
    /** A run of failures this old is forgotten: the next failure counts as the first. */
    static final Duration FORGET_AFTER = Duration.ofDays(1);
    static final Duration TOKEN_LIFETIME = Duration.ofHours(8);
    private static final int MAX_USER_NAME = 256;
    private static final String ADMIN = "admin";
    private static final LoginFailureRepository.Policy POLICY =
            new LoginFailureRepository.Policy(FREE_FAILURES, MAX_DELAY, FORGET_AFTER);

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final LoginLimits limits;
    private final LoginRateLimiter rateLimiter;
    /** What an unknown user's password is checked against, so that it costs what a known user's does. */
    private final String unknownUserHash;
    private final UserRepository users = new UserRepository();
    private final TokenRepository tokens = new TokenRepository();
    private final LoginFailureRepository failures = new LoginFailureRepository();
    private final PermissionRepository grants = new PermissionRepository();

    public AuthService(Jdbi jdbi, PasswordHasher hasher, Clock clock, LoginLimits limits) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.hasher = requireNonNull(hasher, "hasher");
        this.clock = requireNonNull(clock, "clock");
        this.limits = requireNonNull(limits, "limits");
        this.rateLimiter = new LoginRateLimiter(clock, limits.attemptsPerMinute());
        this.unknownUserHash = hasher.hash(Secrets.randomPassword());
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

    /** The OAuth 2.0 password grant, from a client at {@code clientAddress}. */
    public TokenResponse login(String grantType, String username, String password, String clientAddress) {
        String address = ClientAddresses.key(clientAddress);
        rateLimiter.acquire(address).ifPresent(wait -> {
            throw new TooManyRequestsException(ErrorCode.TOO_MANY_REQUESTS, "Too many login requests from " + address
                    + "; try again in " + TooManyRequestsException.seconds(wait) + " second(s)", wait);
        });
        if (!"password".equals(grantType)) {
            throw new InvalidInputException(ErrorCode.INVALID_GRANT, "Only grant_type=password is supported");
        }
        if (username == null || username.isBlank() || password == null) {
            throw new InvalidInputException(ErrorCode.INVALID_GRANT, "Give a username and a password");
        }
        String name = username.length() > MAX_USER_NAME ? username.substring(0, MAX_USER_NAME) : username;
        OffsetDateTime now = now();
        OptionalInt inARow = jdbi.withHandle(h -> failures.claim(h, address, name, now, POLICY));
        if (inARow.isEmpty()) {
            throw delayed(name, address, now);
        }
        UserRepository.Credentials user = jdbi.withHandle(h -> users.credentials(h, username)).orElse(null);
        // the same work whoever asks: one hash check, against a made-up hash when there is no such user
        boolean matches = hasher.verify(password, user == null ? unknownUserHash : user.passwordHash());
        if (user == null || !user.enabled() || !matches) {
            log.info("Failed login from {} as {} ({} in a row)", address, user == null ? "an unknown user" : username,
                    inARow.getAsInt());
            throw badCredentials();
        }
        String token = Secrets.randomToken();
        int revoked = jdbi.inTransaction(h -> {
            failures.succeeded(h, address, name);
            failures.deleteQuietSince(h, now.minus(FORGET_AFTER));
            tokens.insert(h, Secrets.sha256(token), user.id(), now, now.plus(TOKEN_LIFETIME));
            return tokens.keepNewest(h, user.id(), limits.tokensPerUser());
        });
        log.info("User {} logged in from {}", username, address);
        if (revoked > 0) {
            log.info("Revoked the {} oldest token(s) of user {}: a user holds at most {}", revoked, username,
                    limits.tokensPerUser());
        }
        return new TokenResponse(token, "Bearer", TOKEN_LIFETIME.toSeconds());
    }

    /**
     * Revokes a token (RFC 7009): whoever holds a token may end it. An unknown or expired token is
     * no error, so the answer tells nothing about which tokens exist.
     */
    public void revoke(String token) {
        if (token == null || token.isBlank()) {
            throw InvalidInputException.missing("token");
        }
        jdbi.withHandle(h -> tokens.delete(h, Secrets.sha256(token)))
                .ifPresent(user -> log.info("A token of user {} was revoked", user));
    }

    private DomainException delayed(String name, String address, OffsetDateTime now) {
        Duration wait = jdbi.withHandle(h -> failures.mayTryAt(h, address, name, now, POLICY))
                .map(at -> Duration.between(now, at)).filter(d -> !d.isNegative()).orElse(Duration.ofSeconds(1));
        return new TooManyRequestsException(ErrorCode.LOGIN_DELAYED, "Too many failed logins as " + name + " from " + address
                + "; try again in " + TooManyRequestsException.seconds(wait) + " second(s)", wait);
    }

    private static DomainException badCredentials() {
        return new InvalidInputException(ErrorCode.INVALID_GRANT, "The username or password is wrong");
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
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
