package io.vireo.engine.auth;

import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * SQL of failed logins per client address and user name. An attempt is claimed (counted as a
 * failure) in one statement before its password is checked, so guesses sent in parallel each count
 * and none slips past the delay; a successful login deletes the row.
 */
final class LoginFailureRepository {
    /** The delay a row with {@code f.failures} failures imposes: doubling from a second, at most :maxDelay seconds. */
    private static final String DELAY = "(LEAST(power(2, LEAST(f.failures - :free, 40)), :maxDelay) * interval '1 second')";
    private static final String MAY_TRY = "(f.failures < :free OR f.last_failure_at < :forgetBefore"
            + " OR :now >= f.last_failure_at + " + DELAY + ")";

    /** The delay policy: failures allowed without a delay, the longest delay, and how long a quiet row is kept. */
    record Policy(int freeFailures, Duration maxDelay, Duration forgetAfter) {
    }

    /**
     * Counts an attempt as a failure, unless the address must still wait for this user name; answers
     * the failures in a row now counted, or nothing when the attempt must wait.
     */
    OptionalInt claim(Handle h, String address, String userName, OffsetDateTime now, Policy policy) {
        Optional<Integer> failures = h.createQuery("INSERT INTO login_failures AS f (client_address, user_name, failures, "
                        + "last_failure_at) VALUES (:address, :user, 1, :now) ON CONFLICT (client_address, user_name) DO UPDATE "
                        + "SET failures = CASE WHEN f.last_failure_at < :forgetBefore THEN 1 ELSE f.failures + 1 END, "
                        + "last_failure_at = :now WHERE " + MAY_TRY + " RETURNING failures")
                .bind("address", address).bind("user", userName).bind("now", now)
                .bind("forgetBefore", now.minus(policy.forgetAfter())).bind("free", policy.freeFailures())
                .bind("maxDelay", policy.maxDelay().toSeconds())
                .mapTo(Integer.class).findOne();
        return failures.map(OptionalInt::of).orElseGet(OptionalInt::empty);
    }

    /** When the address may try this user name again, if it must wait. */
    Optional<OffsetDateTime> mayTryAt(Handle h, String address, String userName, OffsetDateTime now, Policy policy) {
        return h.createQuery("SELECT f.last_failure_at + " + DELAY + " FROM login_failures f"
                        + " WHERE f.client_address = :address AND f.user_name = :user AND NOT " + MAY_TRY)
                .bind("address", address).bind("user", userName).bind("now", now)
                .bind("forgetBefore", now.minus(policy.forgetAfter())).bind("free", policy.freeFailures())
                .bind("maxDelay", policy.maxDelay().toSeconds())
                .mapTo(OffsetDateTime.class).findOne();
    }

    /** The failures in a row counted for the address and user name. */
    int failures(Handle h, String address, String userName) {
        return h.createQuery("SELECT failures FROM login_failures WHERE client_address = :address AND user_name = :user")
                .bind("address", address).bind("user", userName).mapTo(Integer.class).findOne().orElse(0);
    }

    /** A login succeeded: the address starts afresh for this user name. */
    void succeeded(Handle h, String address, String userName) {
        h.createUpdate("DELETE FROM login_failures WHERE client_address = :address AND user_name = :user")
                .bind("address", address).bind("user", userName).execute();
    }

    /** The user has a new password: no address waits for it any more. */
    void forget(Handle h, String userName) {
        h.createUpdate("DELETE FROM login_failures WHERE user_name = :user").bind("user", userName).execute();
    }

    /** Rows of addresses quiet since before {@code before}, which no longer delay anyone. */
    void deleteQuietSince(Handle h, OffsetDateTime before) {
        h.createUpdate("DELETE FROM login_failures WHERE last_failure_at < :before").bind("before", before).execute();
    }
}
