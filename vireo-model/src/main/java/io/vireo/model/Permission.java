package io.vireo.model;

/**
 * What a role lets its holder do on an object and everything below it. Administrative permissions
 * make their holder an administrator (the admin portal is theirs); the others are a desktop user's.
 */
public enum Permission {
    /** See the object (and, inherited, what is below it). */
    VIEW(false),
    CREATE_VM(false),
    EDIT_VM(false),
    DELETE_VM(false),
    /** Start, stop, shut down, reboot, suspend, resume. */
    VM_POWER(false),
    /** Console tickets and the serial console log. */
    VM_CONSOLE(false),
    MIGRATE_VM(true),
    CREATE_DISK(false),
    /** Attach, detach and remove disks. */
    MANAGE_DISKS(false),
    MANAGE_HOSTS(true),
    MANAGE_STORAGE(true),
    MANAGE_CLUSTER(true),
    MANAGE_DATA_CENTER(true),
    MANAGE_AFFINITY(true),
    MANAGE_POOLS(true),
    /** Take a desktop from a pool; does not show the pool's desktops. */
    USE_POOL(false),
    MANAGE_USERS(true),
    MANAGE_PERMISSIONS(true);

    private final boolean administrative;

    Permission(boolean administrative) {
        this.administrative = administrative;
    }

    public boolean administrative() {
        return administrative;
    }
}
