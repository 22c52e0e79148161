package io.vireo.engine.api;

import io.vireo.model.ApiError;

/**
 * The body of an error answer on routes whose clients speak another protocol than Vireo's own (OpenStack's
 * identity, network and volume APIs each have theirs). A resource registers one for its path prefix with
 * {@link RouteTable#errorShape}; {@link ApiServer} still decides the status, once, for every route, and only
 * the body's shape changes.
 */
@FunctionalInterface
public interface ErrorShape {
    /** The body to answer instead of {@code error}, for this HTTP status. */
    Object body(int status, ApiError error);
}
