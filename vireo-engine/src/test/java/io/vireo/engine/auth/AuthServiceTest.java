package io.vireo.engine.auth;

import io.vireo.engine.FakeClock;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.Principal;
import io.vireo.engine.common.TooManyRequestsException;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.model.ErrorCode;
import io.vireo.model.User;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Logins on a real PostgreSQL: the same answer and work for every refusal, failures counted per
 * client address in one statement (so parallel guesses each count), a growing delay instead of a
 * lock (so nobody can lock the last SuperUser out), a rate limit per address, revocation and a cap
 * on a user's live tokens. Time is a fake clock.
 */
class AuthServiceTest {
    private static final String PASSWORD = "correct horse battery";
    private static final String ATTACKER = "203.0.113.9";

    private final Database database = TestDatabase.fresh();
    private final FakeClock clock = new FakeClock();
    private final CountingPasswordHasher hasher = new CountingPasswordHasher();
    private final UserDirectory directory = new UserDirectory(database.jdbi(), hasher, new EventLog(database.jdbi()));
    private final LoginFailureRepository failures = new LoginFailureRepository();

    AuthServiceTest() {
        new RoleService(database.jdbi()).ensureBuiltIns();
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void anUnknownUserADisabledOneAndAWrongPasswordGetTheSameAnswerAfterTheSameWork() {
        AuthService auth = auth(LoginLimits.DEFAULTS);
        directory.create(new User.Create("alice", PASSWORD, null, null));
        UUID disabled = UUID.fromString(directory.create(new User.Create("dora", PASSWORD, null, null)).id());
        auth.ensureAdmin(Optional.of(PASSWORD));
        directory.update(disabled, new User.Update(null, null, null, false), admin());

        List<String> answers = new ArrayList<>();
        for (String[] attempt : new String[][]{{"nobody", PASSWORD}, {"dora", PASSWORD}, {"alice", "not the password"}}) {
            hasher.reset();
            DomainException refusal = refusal(() -> auth.login("password", attempt[0], attempt[1], "10.0.0.1"));
            answers.add(refusal.getClass().getSimpleName() + " " + refusal.code() + " " + refusal.getMessage() + " " + refusal.details());
            assertThat(hasher.verifications()).as(attempt[0]).isEqualTo(1);
            assertThat(hasher.hashes()).as(attempt[0]).isZero();
        }
        assertThat(answers).containsOnly("InvalidInputException INVALID_GRANT The username or password is wrong {}");
        hasher.reset();
        assertThat(auth.login("password", "alice", PASSWORD, "10.0.0.1").access_token()).isNotBlank();
        assertThat(hasher.verifications()).isEqualTo(1);
    }

    @Test
    void parallelGuessesEachCountAndNoneSlipsPastTheDelay() throws Exception {
        // the engine's own hash cost, so that the guesses overlap for a while
        AuthService auth = new AuthService(database.jdbi(), new PasswordHasher(), clock, new LoginLimits(50, 10_000));
        new UserDirectory(database.jdbi(), new PasswordHasher(), new EventLog(database.jdbi()))
                .create(new User.Create("alice", PASSWORD, null, null));
        int guesses = 16;
        CyclicBarrier start = new CyclicBarrier(guesses);
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger delayed = new AtomicInteger();
        try (ExecutorService threads = Executors.newFixedThreadPool(guesses)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < guesses; i++) {
                int guess = i;
                done.add(threads.submit(() -> {
                    start.await();
                    DomainException refusal = refusal(() -> auth.login("password", "alice", "guess " + guess, ATTACKER));
                    (refusal.code() == ErrorCode.INVALID_GRANT ? checked : delayed).incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        // exactly the free failures had their password checked, each counted; the others waited
        assertThat(checked.get()).isEqualTo(AuthService.FREE_FAILURES);
        assertThat(delayed.get()).isEqualTo(guesses - AuthService.FREE_FAILURES);
        assertThat(failuresOf(ATTACKER, "alice")).isEqualTo(AuthService.FREE_FAILURES);
    }

    @Test
    void guessesFromOneAddressDelayItMoreEachTimeAndNeverLockTheLastSuperUserOut() {
        AuthService auth = auth(new LoginLimits(50, 10_000));
        auth.ensureAdmin(Optional.of(PASSWORD));
        for (int i = 0; i < AuthService.FREE_FAILURES; i++) {
            refused(() -> auth.login("password", "admin", "a guess", ATTACKER), ErrorCode.INVALID_GRANT);
        }
        // from here each failure doubles the wait, up to the longest delay
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            TooManyRequestsException wait = delayed(() -> auth.login("password", "admin", "another guess", ATTACKER));
            assertThat(wait.getMessage()).isEqualTo("Too many failed logins as admin from " + ATTACKER + "; try again in "
                    + wait.retryAfter().toSeconds() + " second(s)");
            waits.add(wait.retryAfter().toSeconds());
            clock.advance(wait.retryAfter().minusMillis(1));
            delayed(() -> auth.login("password", "admin", "too early", ATTACKER));
            clock.advance(Duration.ofMillis(1));
            refused(() -> auth.login("password", "admin", "another guess", ATTACKER), ErrorCode.INVALID_GRANT);
        }
        assertThat(waits).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 900L, 900L);

        // the account is not locked: the admin logs in from anywhere else at once
        assertThat(auth.login("password", "admin", PASSWORD, "198.51.100.7").access_token()).isNotBlank();
        // and from the attacker's address (the same NAT, say) after the current delay, which the right password ends
        TooManyRequestsException wait = delayed(() -> auth.login("password", "admin", PASSWORD, ATTACKER));
        assertThat(wait.retryAfter()).isLessThanOrEqualTo(AuthService.MAX_DELAY);
        clock.advance(wait.retryAfter());
        assertThat(auth.login("password", "admin", PASSWORD, ATTACKER).access_token()).isNotBlank();
        assertThat(failuresOf(ATTACKER, "admin")).isZero();
        // failing again starts from the beginning
        refused(() -> auth.login("password", "admin", "a typo", ATTACKER), ErrorCode.INVALID_GRANT);
        assertThat(failuresOf(ATTACKER, "admin")).isEqualTo(1);
    }

    @Test
    void unknownNamesAreDelayedLikeKnownOnesAndAQuietDayForgetsFailures() {
        AuthService auth = auth(new LoginLimits(50, 10_000));
        for (int i = 0; i < AuthService.FREE_FAILURES; i++) {
            refused(() -> auth.login("password", "ghost", "guess", ATTACKER), ErrorCode.INVALID_GRANT);
        }
        assertThat(delayed(() -> auth.login("password", "ghost", "guess", ATTACKER)).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        // other names and other addresses are not held up
        refused(() -> auth.login("password", "ghost", "guess", "203.0.113.10"), ErrorCode.INVALID_GRANT);
        refused(() -> auth.login("password", "casper", "guess", ATTACKER), ErrorCode.INVALID_GRANT);
        // an IPv6 client is one /64, whatever address in it it picks
        for (int i = 0; i < AuthService.FREE_FAILURES; i++) {
            String address = "2001:db8:1:2::" + Integer.toHexString(i + 1);
            refused(() -> auth.login("password", "ghost", "guess", address), ErrorCode.INVALID_GRANT);
        }
        delayed(() -> auth.login("password", "ghost", "guess", "2001:db8:1:2:ffff::1"));

        clock.advance(AuthService.FORGET_AFTER.plusSeconds(1));
        refused(() -> auth.login("password", "ghost", "guess", ATTACKER), ErrorCode.INVALID_GRANT);
        assertThat(failuresOf(ATTACKER, "ghost")).isEqualTo(1);
    }

    @Test
    void oneAddressMayAskOnlySoOftenAMinute() {
        AuthService auth = auth(new LoginLimits(50, 3));
        directory.create(new User.Create("alice", PASSWORD, null, null));
        for (int i = 0; i < 3; i++) {
            assertThat(auth.login("password", "alice", PASSWORD, "10.0.0.5").access_token()).isNotBlank();
        }
        TooManyRequestsException tooMany = assertThatTooMany(() -> auth.login("password", "alice", PASSWORD, "10.0.0.5"));
        assertThat(tooMany.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
        assertThat(tooMany.retryAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(tooMany.getMessage()).isEqualTo("Too many login requests from 10.0.0.5; try again in 20 second(s)");
        // whatever the request: a malformed one counts too
        assertThatTooMany(() -> auth.login("client_credentials", null, null, "10.0.0.5"));
        assertThat(auth.login("password", "alice", PASSWORD, "10.0.0.6").access_token()).isNotBlank();
        clock.advance(Duration.ofSeconds(20));
        assertThat(auth.login("password", "alice", PASSWORD, "10.0.0.5").access_token()).isNotBlank();
    }

    @Test
    void aRevokedTokenStopsWorkingAndAnUnknownOneIsNoError() {
        AuthService auth = auth(LoginLimits.DEFAULTS);
        directory.create(new User.Create("alice", PASSWORD, null, null));
        String first = auth.login("password", "alice", PASSWORD, "10.0.0.1").access_token();
        String second = auth.login("password", "alice", PASSWORD, "10.0.0.1").access_token();
        auth.revoke(first);
        assertThat(auth.principalForToken(first)).isEmpty();
        assertThat(auth.principalForToken(second)).isPresent();
        auth.revoke(first);
        auth.revoke("never-issued");
        assertThatThrownBy(() -> auth.revoke(null)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD));
    }

    @Test
    void aUserHoldsAtMostTheCapOfLiveTokensAndLosesTheOldestFirst() {
        AuthService auth = auth(new LoginLimits(3, 10_000));
        directory.create(new User.Create("alice", PASSWORD, null, null));
        directory.create(new User.Create("bob", PASSWORD, null, null));
        String bobs = auth.login("password", "bob", PASSWORD, "10.0.0.2").access_token();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(1));
            tokens.add(auth.login("password", "alice", PASSWORD, "10.0.0.1").access_token());
        }
        assertThat(tokens.stream().map(token -> auth.principalForToken(token).isPresent()).toList())
                .containsExactly(false, false, true, true, true);
        assertThat(auth.principalForToken(bobs)).isPresent();
        int live = database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM access_tokens").mapTo(Integer.class).one());
        assertThat(live).isEqualTo(4);
    }

    private AuthService auth(LoginLimits limits) {
        return new AuthService(database.jdbi(), hasher, clock, limits);
    }

    private Principal admin() {
        UUID id = database.jdbi().withHandle(h -> h.createQuery("SELECT id FROM users WHERE name = 'admin'").mapTo(UUID.class).one());
        return new Principal(id, "admin", Set.of());
    }

    private int failuresOf(String address, String user) {
        return database.jdbi().withHandle(h -> failures.failures(h, address, user));
    }

    private static DomainException refusal(ThrowableAssert.ThrowingCallable login) {
        try {
            login.call();
        } catch (DomainException e) {
            return e;
        } catch (Throwable e) {
            throw new AssertionError("not a refusal", e);
        }
        throw new AssertionError("the login was not refused");
    }

    private static void refused(ThrowableAssert.ThrowingCallable login, ErrorCode code) {
        assertThat(refusal(login).code()).isEqualTo(code);
    }

    private static TooManyRequestsException delayed(ThrowableAssert.ThrowingCallable login) {
        TooManyRequestsException refusal = assertThatTooMany(login);
        assertThat(refusal.code()).isEqualTo(ErrorCode.LOGIN_DELAYED);
        return refusal;
    }

    private static TooManyRequestsException assertThatTooMany(ThrowableAssert.ThrowingCallable login) {
        DomainException refusal = refusal(login);
        assertThat(refusal).isInstanceOf(TooManyRequestsException.class);
        return (TooManyRequestsException) refusal;
    }

    /** A real hasher that counts what it computes, to show every refusal costs one check and nothing else. */
    private static final class CountingPasswordHasher extends PasswordHasher {
        private final AtomicInteger hashes = new AtomicInteger();
        private final AtomicInteger verifications = new AtomicInteger();

        CountingPasswordHasher() {
            super(1024, 1);
        }

        @Override
        public String hash(String password) {
            hashes.incrementAndGet();
            return super.hash(password);
        }

        @Override
        public boolean verify(String password, String encoded) {
            verifications.incrementAndGet();
            return super.verify(password, encoded);
        }

        void reset() {
            hashes.set(0);
            verifications.set(0);
        }

        int hashes() {
            return hashes.get();
        }

        int verifications() {
            return verifications.get();
        }
    }
}
