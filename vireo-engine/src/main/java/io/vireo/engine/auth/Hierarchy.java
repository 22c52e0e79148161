package io.vireo.engine.auth;

import io.vireo.model.ObjectType;

import java.util.Map;

/**
 * The SQL that names, for every object of a type, the objects above it (itself included, SYSTEM
 * left out: a SYSTEM grant reaches everything and is checked first). Rows are
 * {@code (id, ancestor_type, ancestor_id)}; joined with a principal's grants they answer, in one
 * query, whether it holds a permission on one object or on which objects of a type.
 */
final class Hierarchy {
    private static final Map<ObjectType, String> TABLES = Map.of(
            ObjectType.DATA_CENTER, "data_centers",
            ObjectType.CLUSTER, "clusters",
            ObjectType.HOST, "hosts",
            ObjectType.STORAGE_DOMAIN, "storage_domains",
            ObjectType.DISK, "disks",
            ObjectType.VM, "vms",
            ObjectType.VM_POOL, "vm_pools");

    private Hierarchy() {
    }

    static String table(ObjectType type) {
        String table = TABLES.get(type);
        if (table == null) {
            throw new IllegalArgumentException(type + " has no table");
        }
        return table;
    }

    static String ancestry(ObjectType type) {
        return switch (type) {
            case SYSTEM -> throw new IllegalArgumentException("SYSTEM has no ancestors");
            case DATA_CENTER -> "SELECT d.id, 'DATA_CENTER' AS ancestor_type, d.id AS ancestor_id FROM data_centers d";
            case CLUSTER -> "SELECT c.id, 'CLUSTER' AS ancestor_type, c.id AS ancestor_id FROM clusters c"
                    + " UNION ALL SELECT c.id, 'DATA_CENTER', c.data_center_id FROM clusters c";
            case HOST -> "SELECT h.id, 'HOST' AS ancestor_type, h.id AS ancestor_id FROM hosts h"
                    + " UNION ALL SELECT h.id, 'CLUSTER', h.cluster_id FROM hosts h"
                    + " UNION ALL SELECT h.id, 'DATA_CENTER', c.data_center_id FROM hosts h JOIN clusters c ON c.id = h.cluster_id";
            case STORAGE_DOMAIN -> "SELECT s.id, 'STORAGE_DOMAIN' AS ancestor_type, s.id AS ancestor_id FROM storage_domains s"
                    + " UNION ALL SELECT s.id, 'DATA_CENTER', s.data_center_id FROM storage_domains s";
            case VM_POOL -> "SELECT p.id, 'VM_POOL' AS ancestor_type, p.id AS ancestor_id FROM vm_pools p"
                    + " UNION ALL SELECT p.id, 'CLUSTER', p.cluster_id FROM vm_pools p"
                    + " UNION ALL SELECT p.id, 'DATA_CENTER', c.data_center_id FROM vm_pools p JOIN clusters c ON c.id = p.cluster_id";
            case VM -> "SELECT v.id, 'VM' AS ancestor_type, v.id AS ancestor_id FROM vms v"
                    + " UNION ALL SELECT v.id, 'CLUSTER', v.cluster_id FROM vms v"
                    + " UNION ALL SELECT v.id, 'DATA_CENTER', c.data_center_id FROM vms v JOIN clusters c ON c.id = v.cluster_id"
                    + " UNION ALL SELECT v.id, 'VM_POOL', v.pool_id FROM vms v WHERE v.pool_id IS NOT NULL";
            // a disk is below its storage domain, and below the VM it is attached to (a VM's owner manages its disks)
            case DISK -> "SELECT k.id, 'DISK' AS ancestor_type, k.id AS ancestor_id FROM disks k"
                    + " UNION ALL SELECT k.id, 'STORAGE_DOMAIN', k.storage_domain_id FROM disks k"
                    + " UNION ALL SELECT k.id, 'DATA_CENTER', s.data_center_id FROM disks k"
                    + " JOIN storage_domains s ON s.id = k.storage_domain_id"
                    + " UNION ALL SELECT k.id, 'VM', k.vm_id FROM disks k WHERE k.vm_id IS NOT NULL"
                    + " UNION ALL SELECT k.id, 'CLUSTER', v.cluster_id FROM disks k JOIN vms v ON v.id = k.vm_id"
                    + " UNION ALL SELECT k.id, 'VM_POOL', v.pool_id FROM disks k JOIN vms v ON v.id = k.vm_id"
                    + " WHERE v.pool_id IS NOT NULL";
        };
    }

    /** The (object_type, object_id) of every grant of :rbacPermission that :rbacUser holds itself or through a group. */
    static final String GRANTS = "SELECT p.object_type, p.object_id FROM permissions p"
            + " JOIN role_permissions rp ON rp.role_id = p.role_id"
            + " WHERE rp.permission = :rbacPermission AND (p.user_id = :rbacUser"
            + " OR p.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = :rbacUser))";

    static final String ON_SYSTEM = "EXISTS (SELECT 1 FROM (" + GRANTS + ") g WHERE g.object_type = 'SYSTEM')";

    /** The ids of the objects of the type on which the principal holds the permission below SYSTEM. */
    static String grantedIds(ObjectType type) {
        return "SELECT a.id FROM (" + ancestry(type) + ") a JOIN (" + GRANTS + ") g"
                + " ON g.object_type = a.ancestor_type AND g.object_id = a.ancestor_id";
    }
}
