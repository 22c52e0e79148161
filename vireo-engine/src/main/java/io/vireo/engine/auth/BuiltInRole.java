package io.vireo.engine.auth;

import io.vireo.model.Permission;

import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

import static io.vireo.model.Permission.*;

/** The roles every engine has, with fixed ids; the engine writes their permission sets at every start. */
public enum BuiltInRole {
    SUPER_USER("SuperUser", 1, "Everything, everywhere", EnumSet.allOf(Permission.class)),
    DATA_CENTER_ADMIN("DataCenterAdmin", 2, "Everything inside a data center, users and roles aside",
            EnumSet.complementOf(EnumSet.of(MANAGE_USERS))),
    CLUSTER_ADMIN("ClusterAdmin", 3, "Hosts, VMs, pools, affinity and permissions of a cluster",
            EnumSet.of(VIEW, CREATE_VM, EDIT_VM, DELETE_VM, VM_POWER, VM_CONSOLE, MIGRATE_VM, MANAGE_DISKS,
                    MANAGE_HOSTS, MANAGE_CLUSTER, MANAGE_AFFINITY, MANAGE_POOLS, USE_POOL, MANAGE_PERMISSIONS)),
    POWER_USER("PowerUser", 4, "Creates VMs (and disks, when granted on a data center or storage domain); owns what it creates",
            EnumSet.of(VIEW, CREATE_VM, CREATE_DISK)),
    USER_ROLE("UserRole", 5, "Sees a VM, powers it on and off, opens its console",
            EnumSet.of(VIEW, VM_POWER, VM_CONSOLE)),
    USER_VM_MANAGER("UserVmManager", 6, "UserRole, and changes and removes the VM and its disks",
            EnumSet.of(VIEW, VM_POWER, VM_CONSOLE, EDIT_VM, DELETE_VM, MANAGE_DISKS)),
    VM_POOL_USER("VmPoolUser", 7, "Takes desktops from a pool (without seeing the pool's other desktops)",
            EnumSet.of(USE_POOL)),
    DISK_OPERATOR("DiskOperator", 8, "Sees a disk, attaches and removes it (its creator gets it)",
            EnumSet.of(VIEW, MANAGE_DISKS));

    private final String roleName;
    private final UUID id;
    private final String description;
    private final Set<Permission> permissions;

    BuiltInRole(String roleName, int number, String description, Set<Permission> permissions) {
        this.roleName = roleName;
        this.id = new UUID(0, 0x0001_0000_0000_0000L + number);
        this.description = description;
        this.permissions = Set.copyOf(permissions);
    }

    public String roleName() {
        return roleName;
    }

    public UUID id() {
        return id;
    }

    public String description() {
        return description;
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    public static boolean isBuiltInName(String name) {
        for (BuiltInRole role : values()) {
            if (role.roleName.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
