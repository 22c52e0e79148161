package io.vireo.model;

import java.util.List;

/** A named set of permissions. Built-in roles cannot be changed or removed. */
public record Role(String id, String name, String description, boolean builtIn, List<Permission> permissions) {
    public record Create(String name, String description, List<String> permissions) {
    }

    /** Every field is optional: what is null stays as it is. */
    public record Update(String name, String description, List<String> permissions) {
    }
}
