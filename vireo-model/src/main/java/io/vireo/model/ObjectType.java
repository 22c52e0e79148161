package io.vireo.model;

/**
 * The kinds of object a permission is granted on. Grants are inherited downwards: SYSTEM, DATA_CENTER,
 * CLUSTER, then HOST, VM_POOL and VM (a pool's grants reach its desktops); DATA_CENTER, STORAGE_DOMAIN,
 * DISK; and a VM's grants reach the disks attached to it.
 */
public enum ObjectType {
    SYSTEM,
    DATA_CENTER,
    CLUSTER,
    VM_POOL,
    VM,
    HOST,
    STORAGE_DOMAIN,
    DISK
}
