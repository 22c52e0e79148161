package io.vireo.engine.auth;

import io.vireo.engine.common.Principal;
import io.vireo.engine.store.Rows;
import org.jdbi.v3.core.Handle;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** SQL of bearer tokens, stored by their hash so that a copy of the database opens no session. */
final class TokenRepository {
    void insert(Handle h, String tokenHash, UUID userId, OffsetDateTime created, OffsetDateTime expires, Optional<UUID> scope) {
        h.createUpdate("INSERT INTO access_tokens (token_hash, user_id, created_at, expires_at, scope_id) "
                        + "VALUES (:hash, :user, :created, :expires, CAST(:scope AS uuid))")
                .bind("hash", tokenHash).bind("user", userId).bind("created", created).bind("expires", expires)
                .bind("scope", scope.orElse(null)).execute();
    }

    /** Revokes the user's tokens beyond its newest {@code keep}; answers how many went. */
    int keepNewest(Handle h, UUID userId, int keep) {
        return h.createUpdate("DELETE FROM access_tokens WHERE user_id = :user AND token_hash NOT IN (SELECT token_hash "
                        + "FROM access_tokens WHERE user_id = :user ORDER BY created_at DESC, token_hash LIMIT :keep)")
                .bind("user", userId).bind("keep", keep).execute();
    }

    /** Revokes one token; answers whose it was, if it existed. */
    Optional<UUID> delete(Handle h, String tokenHash) {
        return h.createQuery("DELETE FROM access_tokens WHERE token_hash = :hash RETURNING user_id").bind("hash", tokenHash)
                .mapTo(UUID.class).findOne();
    }

    /** Removes up to {@code limit} tokens that expired before the cutoff. */
    int deleteExpiredBefore(Handle h, OffsetDateTime cutoff, int limit) {
        return h.createUpdate("DELETE FROM access_tokens WHERE token_hash IN (SELECT token_hash FROM access_tokens "
                        + "WHERE expires_at < :cutoff LIMIT :limit)")
                .bind("cutoff", cutoff).bind("limit", limit).execute();
    }

    void deleteOfUser(Handle h, UUID userId) {
        h.createUpdate("DELETE FROM access_tokens WHERE user_id = :id").bind("id", userId).execute();
    }

    /** The enabled user an unexpired token belongs to, with the groups it is in now. */
    Optional<Principal> principal(Handle h, String tokenHash) {
        return h.createQuery("SELECT " + UserRepository.PRINCIPAL_COLUMNS + " FROM access_tokens t JOIN users u "
                        + "ON u.id = t.user_id WHERE t.token_hash = :hash AND t.expires_at > now() AND u.enabled")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> UserRepository.principal(rs))
                .findOne();
    }

    /** Like {@link #principal}, with when the token was made, when it expires and what it was scoped to. */
    Optional<AuthService.AccessToken> token(Handle h, String tokenHash) {
        return h.createQuery("SELECT " + UserRepository.PRINCIPAL_COLUMNS + ", t.created_at, t.expires_at, t.scope_id "
                        + "FROM access_tokens t JOIN users u ON u.id = t.user_id "
                        + "WHERE t.token_hash = :hash AND t.expires_at > now() AND u.enabled")
                .bind("hash", tokenHash)
                .map((rs, ctx) -> new AuthService.AccessToken(AuthService.publicId(tokenHash), UserRepository.principal(rs),
                        Optional.ofNullable(rs.getObject("scope_id", UUID.class)), Rows.instant(rs, "created_at"),
                        Rows.instant(rs, "expires_at")))
                .findOne();
    }
}
