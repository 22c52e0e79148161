package io.vireo.engine.auth;

import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.TooManyRequestsException;
import io.vireo.engine.common.UnauthenticatedException;
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
import java.util.function.Function;

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
    private static final String WRONG_CREDENTIALS = "The username or password is wrong";
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

    /** Whom a password login names: a user by name, or by id. */
    public sealed interface LoginUser {
        record ByName(String name) implements LoginUser {
            public ByName {
                requireNonNull(name, "name");
            }
        }

        /** A user by id; an id that is not a UUID names nobody, and is refused as an unknown user is. */
        record ById(String id) implements LoginUser {
            public ById {
                requireNonNull(id, "id");
            }

            Optional<UUID> uuid() {
                try {
                    return Optional.of(UUID.fromString(id));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
    }

    /**
     * A live bearer token: whose it is (with the groups the user is in now), when it was made and expires, and
     * the scope it was issued for, if any.
     *
     * @param publicId an identifier of the token that may be shown and logged (OpenStack's audit id): it is
     *     derived from the token's hash and tells nothing of the token
     */
    public record AccessToken(String publicId, Principal principal, Optional<UUID> scope, Instant issuedAt, Instant expiresAt) {
        public AccessToken {
            requireNonNull(publicId, "publicId");
            requireNonNull(principal, "principal");
            requireNonNull(scope, "scope");
            requireNonNull(issuedAt, "issuedAt");
            requireNonNull(expiresAt, "expiresAt");
        }
    }

    /** A token just issued, and what it says. */
    public record IssuedToken(String token, AccessToken details) {
        public IssuedToken {
            requireNonNull(token, "token");
            requireNonNull(details, "details");
        }

        @Override
        public String toString() {
            return "IssuedToken[" + details + "]";
        }
    }

    /** The OAuth 2.0 password grant, from a client at {@code clientAddress}. */
    public TokenResponse login(String grantType, String username, String password, String clientAddress) {
        String address = throttle(clientAddress);
        if (!"password".equals(grantType)) {
            throw new InvalidInputException(ErrorCode.INVALID_GRANT, "Only grant_type=password is supported");
        }
        if (username == null || username.isBlank() || password == null) {
            throw new InvalidInputException(ErrorCode.INVALID_GRANT, "Give a username and a password");
        }
        IssuedToken issued = issue(address, new LoginUser.ByName(username), password, principal -> Optional.empty())
                .orElseThrow(AuthService::badCredentials);
        return new TokenResponse(issued.token(), "Bearer", TOKEN_LIFETIME.toSeconds());
    }

    /**
     * A password login for another protocol (OpenStack's identity API): the same throttling, failure counting,
     * delays, uniform refusal and token cap as {@link #login}, and the same kind of token, but a wrong user or
     * password is a 401 (UNAUTHORIZED) and the token may carry a scope. {@code scope} is asked once the password
     * is right, before the token is made; it may refuse by throwing, and then no token is made (and the login
     * does not count as a failed guess).
     */
    public IssuedToken passwordLogin(LoginUser user, String password, String clientAddress,
                                     Function<Principal, Optional<UUID>> scope) {
        requireNonNull(user, "user");
        requireNonNull(scope, "scope");
        String address = throttle(clientAddress);
        if (password == null || user instanceof LoginUser.ByName(String name) && name.isBlank()
                || user instanceof LoginUser.ById(String id) && id.isBlank()) {
            throw new UnauthenticatedException(ErrorCode.UNAUTHORIZED, "Give a user name and a password");
        }
        return issue(address, user, password, scope).orElseThrow(() ->
                new UnauthenticatedException(ErrorCode.UNAUTHORIZED, WRONG_CREDENTIALS));
    }

    /** The rate limit of login requests per client address; answers the address as counted. */
    private String throttle(String clientAddress) {
        String address = ClientAddresses.key(clientAddress);
        rateLimiter.acquire(address).ifPresent(wait -> {
            throw new TooManyRequestsException(ErrorCode.TOO_MANY_REQUESTS, "Too many login requests from " + address
                    + "; try again in " + TooManyRequestsException.seconds(wait) + " second(s)", wait);
        });
        return address;
    }

    /** Checks the password (counting the attempt first) and makes a token; empty when the user or password is wrong. */
    private Optional<IssuedToken> issue(String address, LoginUser user, String password,
                                        Function<Principal, Optional<UUID>> scope) {
        String shown = switch (user) {
            case LoginUser.ByName(String name) -> name;
            case LoginUser.ById byId -> byId.uuid().flatMap(id -> jdbi.withHandle(h -> users.name(h, id))).orElse(byId.id());
        };
        String name = shown.length() > MAX_USER_NAME ? shown.substring(0, MAX_USER_NAME) : shown;
        OffsetDateTime now = now();
        OptionalInt inARow = jdbi.withHandle(h -> failures.claim(h, address, name, now, POLICY));
        if (inARow.isEmpty()) {
            throw delayed(name, address, now);
        }
        UserRepository.Credentials credentials = jdbi.withHandle(h -> switch (user) {
            case LoginUser.ByName(String byName) -> users.credentials(h, byName);
            case LoginUser.ById byId -> byId.uuid().flatMap(id -> users.credentials(h, id));
        }).orElse(null);
        // the same work whoever asks: one hash check, against a made-up hash when there is no such user
        boolean matches = hasher.verify(password, credentials == null ? unknownUserHash : credentials.passwordHash());
        Principal principal = credentials == null || !credentials.enabled() || !matches ? null
                : jdbi.withHandle(h -> users.enabledPrincipal(h, credentials.id())).orElse(null);
        if (principal == null) {
            log.info("Failed login from {} as {} ({} in a row)", address, credentials == null ? "an unknown user" : name,
                    inARow.getAsInt());
            return Optional.empty();
        }
        Optional<UUID> scoped;
        try {
            scoped = requireNonNull(scope.apply(principal), "scope");
        } catch (RuntimeException e) {
            // the password was right: a scope the user may not have is no guess
            jdbi.useHandle(h -> failures.succeeded(h, address, name));
            throw e;
        }
        String token = Secrets.randomToken();
        String hash = Secrets.sha256(token);
        OffsetDateTime expires = now.plus(TOKEN_LIFETIME);
        int revoked = jdbi.inTransaction(h -> {
            failures.succeeded(h, address, name);
            failures.deleteQuietSince(h, now.minus(FORGET_AFTER));
            tokens.insert(h, hash, principal.id(), now, expires, scoped);
            return tokens.keepNewest(h, principal.id(), limits.tokensPerUser());
        });
        log.info("User {} logged in from {}{}", principal.name(), address, scoped.map(s -> " (scope " + s + ")").orElse(""));
        if (revoked > 0) {
            log.info("Revoked the {} oldest token(s) of user {}: a user holds at most {}", revoked, principal.name(),
                    limits.tokensPerUser());
        }
        return Optional.of(new IssuedToken(token, new AccessToken(publicId(hash), principal, scoped, now.toInstant(),
                expires.toInstant())));
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
        return new InvalidInputException(ErrorCode.INVALID_GRANT, WRONG_CREDENTIALS);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    /** The enabled user a valid, unexpired bearer token belongs to, with its groups. */
    public Optional<Principal> principalForToken(String token) {
        return jdbi.withHandle(h -> tokens.principal(h, Secrets.sha256(token)));
    }

    /** A valid, unexpired token of an enabled user, with what it says. */
    public Optional<AccessToken> token(String token) {
        return jdbi.withHandle(h -> tokens.token(h, Secrets.sha256(token)));
    }

    /** The public id of a token with this hash: 22 characters of a second hash, which can be shown and logged. */
    static String publicId(String tokenHash) {
        return Secrets.sha256("public-id:" + tokenHash).substring(0, 22);
    }

    /** Removes the tokens that expired longer than {@code grace} ago, in batches (the leader's pruning); answers how many. */
    public long pruneExpiredTokens(Instant now, Duration grace) {
        OffsetDateTime cutoff = now.minus(grace).atOffset(ZoneOffset.UTC);
        return Batches.deleteAll(jdbi, (h, limit) -> tokens.deleteExpiredBefore(h, cutoff, limit));
    }
}
