package io.vireo.engine.leadership;

import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.util.Optional;

/** SQL of the leadership lease: one row, its holder, its epoch and when it runs out. */
final class LeaseRepository {
    /**
     * Takes the lease if it ran out, or renews it if {@code instanceId} holds it; answers the epoch
     * then held, or empty when another instance holds a live lease. The epoch grows on every change
     * of hands, and when the holder comes back with an epoch it no longer knows (after a restart).
     */
    Optional<Long> acquireOrRenew(Handle h, String instanceId, long knownEpoch, Duration ttl) {
        h.execute("INSERT INTO leadership (id, holder, epoch, expires_at) VALUES (1, '', 0, now()) ON CONFLICT DO NOTHING");
        return h.createQuery("UPDATE leadership SET "
                        + "epoch = CASE WHEN holder = :me AND epoch = :mine THEN epoch ELSE epoch + 1 END, "
                        + "holder = :me, expires_at = now() + make_interval(secs => :ttl) "
                        + "WHERE id = 1 AND (holder = :me OR expires_at < now()) RETURNING epoch")
                .bind("me", instanceId).bind("mine", knownEpoch).bind("ttl", ttl.toSeconds())
                .mapTo(Long.class).findOne();
    }

    /** Lets the lease run out now, so another instance need not wait for it. */
    void release(Handle h, String instanceId) {
        h.createUpdate("UPDATE leadership SET expires_at = now() WHERE holder = :me").bind("me", instanceId).execute();
    }
}
