package io.vireo.engine.leadership;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Leadership as a lease row in PostgreSQL. Taking the lease raises the epoch; every agent command
 * carries the epoch, and agents refuse lower ones, so a deposed leader can do no harm. An engine
 * that restarts under the same instance id takes its lease back at once with a new epoch.
 * <p>
 * A lease that cannot renew (PostgreSQL slow or out of reach) stops calling itself the leader when
 * its term could have ended, counted on this engine's own clock from before the last renewal was
 * asked for, so never later than the row says; it does not wait for the renewal to fail.
 */
public final class LeadershipLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeadershipLease.class);

    private final Jdbi jdbi;
    private final String instanceId;
    private final Duration ttl;
    private final LeaseRepository lease = new LeaseRepository();
    private final LongSupplier nanoClock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("leadership").daemon().factory());
    private volatile long epoch = -1;
    private volatile long termEndsNanos;

    public LeadershipLease(Jdbi jdbi, String instanceId, Duration ttl) {
        this(jdbi, instanceId, ttl, System::nanoTime);
    }

    LeadershipLease(Jdbi jdbi, String instanceId, Duration ttl, LongSupplier nanoClock) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.instanceId = requireNonNull(instanceId, "instanceId");
        this.ttl = requireNonNull(ttl, "ttl");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    public void start() {
        tryAcquireOrRenew();
        timer.scheduleWithFixedDelay(this::tryAcquireOrRenew, 1, 1, TimeUnit.SECONDS);
    }

    /** The epoch while this engine leads. */
    public Optional<Long> epoch() {
        long current = epoch;
        return current < 0 || nanoClock.getAsLong() - termEndsNanos >= 0 ? Optional.empty() : Optional.of(current);
    }

    public boolean isLeader() {
        return epoch().isPresent();
    }

    private void tryAcquireOrRenew() {
        try {
            long seconds = ttl.toSeconds();
            long asked = nanoClock.getAsLong();
            Optional<Long> result = jdbi.inTransaction(h -> lease.acquireOrRenew(h, instanceId, epoch, ttl));
            long previous = epoch;
            termEndsNanos = asked + Duration.ofSeconds(seconds).toNanos();
            epoch = result.orElse(-1L);
            if (epoch != previous) {
                if (epoch >= 0) {
                    log.info("This engine ({}) leads with epoch {}", instanceId, epoch);
                } else {
                    log.warn("This engine ({}) lost leadership", instanceId);
                }
            }
        } catch (RuntimeException e) {
            if (epoch >= 0) {
                log.warn("Cannot renew the leadership lease, stepping down: {}", e.getMessage());
            }
            epoch = -1;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (epoch >= 0) {
            try {
                jdbi.useHandle(h -> lease.release(h, instanceId));
            } catch (RuntimeException e) {
                log.debug("Could not release the lease", e);
            }
        }
        epoch = -1;
    }
}
