package io.vireo.model;

import java.util.List;

/**
 * Who the caller is: {@code admin} when it holds any administrative permission anywhere, and the
 * distinct permissions it holds on some object.
 */
public record Me(String id, String name, String displayName, boolean admin, List<Permission> permissions) {
}
