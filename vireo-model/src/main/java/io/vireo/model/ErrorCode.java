package io.vireo.model;

/** Machine-readable error codes of the Vireo API, each with the HTTP status it is answered with. */
public enum ErrorCode {
    MALFORMED_REQUEST(400),
    INVALID_FIELD(400),
    MISSING_FIELD(400),
    UNKNOWN_FIELD(400),
    INVALID_SEARCH(400),
    UNAUTHORIZED(401),
    INVALID_GRANT(400),
    FORBIDDEN(403),
    NOT_FOUND(404),
    DATA_CENTER_NOT_FOUND(404),
    CLUSTER_NOT_FOUND(404),
    HOST_NOT_FOUND(404),
    STORAGE_DOMAIN_NOT_FOUND(404),
    DISK_NOT_FOUND(404),
    VM_NOT_FOUND(404),
    JOB_NOT_FOUND(404),
    USER_NOT_FOUND(404),
    GROUP_NOT_FOUND(404),
    ROLE_NOT_FOUND(404),
    PERMISSION_NOT_FOUND(404),
    POOL_NOT_FOUND(404),
    DUPLICATE_NAME(409),
    VM_NOT_DOWN(409),
    VM_NOT_UP(409),
    VM_NOT_PAUSED(409),
    VM_BUSY(409),
    CONSOLE_UNAVAILABLE(409),
    DISK_IN_USE(409),
    DISK_NOT_READY(409),
    HOST_NOT_UP(409),
    NO_HOST_AVAILABLE(409),
    NOT_MIGRATING(409),
    MIGRATION_CANCELLED(409),
    MIGRATION_FAILED(409),
    HOST_NOT_IN_MAINTENANCE(409),
    ENTITY_IN_USE(409),
    ROLE_BUILT_IN(409),
    POOL_EXHAUSTED(409),
    POOL_USER_LIMIT(409),
    POOL_DESKTOPS_RUNNING(409),
    POOL_DELETING(409),
    VM_IS_POOL_TEMPLATE(409),
    TOKEN_INVALID(401),
    HOST_UNREACHABLE(502),
    AGENT_ERROR(502),
    INTERNAL_ERROR(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
