package io.vireo.engine.auth;

import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Access tokens go once they have been expired for the grace, on a real PostgreSQL, with the time given explicitly. */
class TokenPruningTest {
    private final Database database = TestDatabase.fresh();
    private final Jdbi jdbi = database.jdbi();
    private final AuthService auth = new AuthService(jdbi, new PasswordHasher(), java.time.Clock.systemUTC(), LoginLimits.DEFAULTS);

    @AfterEach
    void close() {
        database.close();
    }

    private int tokens() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM access_tokens").mapTo(Integer.class).one());
    }

    @Test
    void tokensExpiredLongerThanTheGraceGoAndLiveOnesStay() {
        auth.ensureAdmin(Optional.of("admin-password-1"));
        String live = auth.login("password", "admin", "admin-password-1", "127.0.0.1").access_token();
        UUID admin = auth.principalForToken(live).orElseThrow().id();
        Instant now = Instant.now();
        TokenRepository repository = new TokenRepository();
        jdbi.useHandle(h -> {
            repository.insert(h, Secrets.sha256("expired-two-days-ago"), admin, now.minus(Duration.ofDays(3)).atOffset(ZoneOffset.UTC),
                    now.minus(Duration.ofDays(2)).atOffset(ZoneOffset.UTC), java.util.Optional.empty());
            repository.insert(h, Secrets.sha256("expired-an-hour-ago"), admin, now.minus(Duration.ofHours(9)).atOffset(ZoneOffset.UTC),
                    now.minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC), java.util.Optional.empty());
        });
        assertThat(tokens()).isEqualTo(3);

        assertThat(auth.pruneExpiredTokens(now, Duration.ofDays(1))).isEqualTo(1);
        assertThat(tokens()).isEqualTo(2);
        assertThat(auth.principalForToken(live)).isPresent();
        // nine hours on, the login's token (eight hours) has expired too; with no grace both expired ones go
        assertThat(auth.pruneExpiredTokens(now.plus(Duration.ofHours(9)), Duration.ZERO)).isEqualTo(2);
        assertThat(tokens()).isZero();
    }
}
