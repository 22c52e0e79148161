package io.vireo.model;

import java.time.Instant;

/**
 * A permission as the API shows it: a role granted to a user or a group on an object.
 *
 * @param principalType USER or GROUP
 * @param objectId null for SYSTEM
 */
public record Grant(String id, String principalType, String principalId, String principalName, String roleId,
                    String roleName, ObjectType objectType, String objectId, Instant createdAt) {
    /** Name the role by roleId or by role (its name). */
    public record Create(String principalType, String principalId, String roleId, String role, String objectType,
                         String objectId) {
    }
}
