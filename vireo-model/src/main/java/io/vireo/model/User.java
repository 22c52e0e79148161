package io.vireo.model;

import java.time.Instant;

/** A user of the engine's own directory. The password hash never leaves the engine. */
public record User(String id, String name, String displayName, String email, boolean enabled, Instant createdAt) {
    public record Create(String name, String password, String displayName, String email) {
    }

    /** Every field is optional: what is null stays as it is. */
    public record Update(String displayName, String email, String password, Boolean enabled) {
    }
}
