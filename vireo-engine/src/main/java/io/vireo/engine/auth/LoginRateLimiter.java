package io.vireo.engine.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Login requests per client address, in memory (each engine instance counts its own): a bucket of
 * {@code perMinute} requests per address that refills evenly over a minute. Full buckets (addresses
 * quiet for a minute) are dropped when there are many, so the map stays small.
 */
final class LoginRateLimiter {
    static final int MAX_ADDRESSES = 100_000;

    private final Clock clock;
    private final int perMinute;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    LoginRateLimiter(Clock clock, int perMinute) {
        this.clock = requireNonNull(clock, "clock");
        if (perMinute < 1) {
            throw new IllegalArgumentException("perMinute must be at least 1");
        }
        this.perMinute = perMinute;
    }

    /** Takes one request from the address's bucket; answers how long to wait when it is empty. */
    Optional<Duration> acquire(String addressKey) {
        Instant now = clock.instant();
        if (buckets.size() >= MAX_ADDRESSES) {
            buckets.values().removeIf(bucket -> bucket.fullAt(now));
            if (buckets.size() >= MAX_ADDRESSES) {
                // addresses by the hundred thousand in a minute: forgetting them costs less than keeping them
                buckets.clear();
            }
        }
        return buckets.computeIfAbsent(addressKey, key -> new Bucket(perMinute, now)).take(now);
    }

    int addresses() {
        return buckets.size();
    }

    private static final class Bucket {
        private final double capacity;
        private final double nanosPerToken;
        private double tokens;
        private Instant updated;

        Bucket(int perMinute, Instant now) {
            this.capacity = perMinute;
            this.nanosPerToken = Duration.ofMinutes(1).toNanos() / (double) perMinute;
            this.tokens = perMinute;
            this.updated = now;
        }

        synchronized Optional<Duration> take(Instant now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) Math.ceil((1 - tokens) * nanosPerToken)));
        }

        synchronized boolean fullAt(Instant now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(Instant now) {
            if (now.isAfter(updated)) {
                tokens = Math.min(capacity, tokens + Duration.between(updated, now).toNanos() / nanosPerToken);
                updated = now;
            }
        }
    }
}
