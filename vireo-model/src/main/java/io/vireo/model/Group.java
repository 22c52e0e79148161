package io.vireo.model;

import java.time.Instant;
import java.util.List;

/** A group of users: a permission granted to it is held by every member. */
public record Group(String id, String name, String description, List<String> memberIds, Instant createdAt) {
    public record Create(String name, String description) {
    }

    public record Member(String userId) {
    }
}
