package io.vireo.engine.console;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/** SQL of console tickets: stored by the hash of their token, good once, until they expire. */
final class ConsoleTicketRepository {
    /** The VM and host a redeemed ticket was issued for. */
    record Redeemed(UUID vmId, UUID hostId) {
    }

    void insert(Handle h, String tokenHash, UUID vmId, UUID hostId, Instant expires, String user) {
        h.createUpdate("INSERT INTO console_tickets (token_hash, vm_id, host_id, expires_at, created_by) "
                        + "VALUES (:hash, :vm, :host, :expires, :user)")
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
                        + "AND used_at IS NULL AND expires_at > now() RETURNING vm_id, host_id")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> new Redeemed(rs.getObject("vm_id", UUID.class), rs.getObject("host_id", UUID.class)))
                .findOne();
    }
}
