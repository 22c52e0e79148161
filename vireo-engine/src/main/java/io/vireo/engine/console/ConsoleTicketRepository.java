package io.vireo.engine.console;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL of console tickets: stored by the hash of their token, good once, until they expire. */
final class ConsoleTicketRepository {
    /** The VM and host a redeemed ticket was issued for, and the user it was issued to. */
    record Redeemed(UUID vmId, UUID hostId, UUID userId) {
    }

    /** A user who got a ticket for a VM. */
    record Holder(UUID userId, UUID vmId) {
    }

    void insert(Handle h, String tokenHash, UUID vmId, UUID hostId, Instant expires, UUID userId, String user) {
        h.createUpdate("INSERT INTO console_tickets (token_hash, vm_id, host_id, expires_at, user_id, created_by) "
                        + "VALUES (:hash, :vm, :host, :expires, :userId, :user)")
                .bind("userId", userId)
                .bind("hash", tokenHash).bind("vm", vmId).bind("host", hostId)
                .bind("expires", expires.atOffset(ZoneOffset.UTC)).bind("user", user).execute();
    }

    /** Removes up to {@code limit} tickets that expired before the cutoff, used or not. */
    int deleteExpiredBefore(Handle h, Instant cutoff, int limit) {
        return h.createUpdate("DELETE FROM console_tickets WHERE token_hash IN (SELECT token_hash FROM console_tickets "
                        + "WHERE expires_at < :cutoff LIMIT :limit)")
                .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC)).bind("limit", limit).execute();
    }

    /** Uses the ticket up if it is known, unused and unexpired; one statement, so two redeemers cannot both win. */
    Optional<Redeemed> redeem(Handle h, String tokenHash) {
        return h.createQuery("UPDATE console_tickets SET used_at = now() WHERE token_hash = :hash "
                        + "AND used_at IS NULL AND expires_at > now() RETURNING vm_id, host_id, user_id")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> new Redeemed(rs.getObject("vm_id", UUID.class), rs.getObject("host_id", UUID.class),
                        rs.getObject("user_id", UUID.class)))
                .findOne();
    }

    /** Who got a ticket for which VM since the given time (tickets of before V16 name no user id and are left out). */
    List<Holder> holdersSince(Handle h, Instant since) {
        return h.createQuery("SELECT DISTINCT user_id, vm_id FROM console_tickets WHERE created_at > :since "
                        + "AND user_id IS NOT NULL")
                .bind("since", since.atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> new Holder(rs.getObject("user_id", UUID.class), rs.getObject("vm_id", UUID.class)))
                .list();
    }

    /** Removes the user's tickets for the VM (used or not); answers how many, so that one instance acts on them. */
    int deleteOf(Handle h, Holder holder) {
        return h.createUpdate("DELETE FROM console_tickets WHERE user_id = :user AND vm_id = :vm")
                .bind("user", holder.userId()).bind("vm", holder.vmId()).execute();
    }
}
