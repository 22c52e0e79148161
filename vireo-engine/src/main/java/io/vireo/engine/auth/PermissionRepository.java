package io.vireo.engine.auth;

import io.vireo.engine.common.Paging;
import io.vireo.engine.common.Principal;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.Rows;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Grant;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * SQL of permissions (a role granted to a user or a group on an object) and of the object tree they
 * reach down. The tree is the one sanctioned read of other features' tables: a grant on a data
 * center holds on its clusters, hosts, storage, VMs, pools and disks, and only a join over their
 * parent columns answers "which VMs may this user see" in one query, whatever their number. The
 * tree's SQL therefore lives here and nowhere else; the features' own code never sees it.
 */
final class PermissionRepository {
    static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "role", new SearchQuery.Field("r.name", SearchQuery.Type.TEXT),
            "principal", new SearchQuery.Field("COALESCE(u.name, g.name)", SearchQuery.Type.TEXT),
            "objecttype", new SearchQuery.Field("p.object_type", SearchQuery.Type.ENUM));
    private static final String SELECT_GRANTS = "SELECT p.*, r.name AS role_name, COALESCE(u.name, g.name) AS principal_name "
            + "FROM permissions p JOIN roles r ON r.id = p.role_id LEFT JOIN users u ON u.id = p.user_id "
            + "LEFT JOIN user_groups g ON g.id = p.group_id";
    private static final Map<ObjectType, String> TABLES = Map.of(
            ObjectType.DATA_CENTER, "data_centers",
            ObjectType.CLUSTER, "clusters",
            ObjectType.HOST, "hosts",
            ObjectType.STORAGE_DOMAIN, "storage_domains",
            ObjectType.DISK, "disks",
            ObjectType.VM, "vms",
            ObjectType.VM_POOL, "vm_pools");
    /** The (object_type, object_id) of every grant of :rbacPermission that :rbacUser holds itself or through a group. */
    private static final String HELD = "SELECT p.object_type, p.object_id FROM permissions p"
            + " JOIN role_permissions rp ON rp.role_id = p.role_id"
            + " WHERE rp.permission = :rbacPermission AND (p.user_id = :rbacUser"
            + " OR p.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = :rbacUser))";
    /** Every (permission, object_type, object_id) that :rbacUser holds itself or through a group. */
    private static final String HELD_BY_CALLER = "SELECT rp.permission, p.object_type, p.object_id FROM permissions p"
            + " JOIN role_permissions rp ON rp.role_id = p.role_id WHERE p.user_id = :rbacUser"
            + " OR p.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = :rbacUser)";
    /** {@link #ancestry} of every type at once, as rows {@code (type, id, ancestor_type, ancestor_id)}. */
    private static final String ANY_ANCESTRY = Arrays.stream(ObjectType.values())
            .filter(type -> type != ObjectType.SYSTEM)
            .map(type -> "SELECT '" + type.name() + "' AS type, x.* FROM (" + ancestry(type) + ") x")
            .collect(Collectors.joining(" UNION ALL "));

    /** The permissions in the enum's order, as an SQL array (of constants, not of anything a client sent). */
    private static final String PERMISSION_ORDER = Arrays.stream(Permission.values())
            .map(permission -> "'" + permission.name() + "'").collect(Collectors.joining(",", "ARRAY[", "]::text[]"));
    private static final String ON_SYSTEM = "EXISTS (SELECT 1 FROM (" + HELD + ") g WHERE g.object_type = 'SYSTEM')";

    // --- checks and filters

    boolean allowedOnSystem(Handle h, Principal principal, Permission permission) {
        return h.createQuery("SELECT " + ON_SYSTEM).bindMap(parameters(principal, permission)).mapTo(Boolean.class).one();
    }

    /** Held on the object itself, on one above it, or on the system. */
    boolean allowed(Handle h, Principal principal, Permission permission, ObjectRef object) {
        if (object.type() == ObjectType.SYSTEM) {
            return allowedOnSystem(h, principal, permission);
        }
        return h.createQuery("SELECT " + ON_SYSTEM + " OR EXISTS (SELECT 1 FROM (" + grantedIds(object.type())
                        + ") x WHERE x.id = :rbacObject)")
                .bindMap(parameters(principal, permission)).bind("rbacObject", object.id()).mapTo(Boolean.class).one();
    }

    /** The objects of the type on which the principal holds the permission below the system (no query is run here). */
    Visibility granted(Principal principal, Permission permission, ObjectType type) {
        return Visibility.granted(grantedIds(type), parameters(principal, permission));
    }

    List<UUID> grantedIds(Handle h, Principal principal, Permission permission, ObjectType type) {
        return h.createQuery(grantedIds(type)).bindMap(parameters(principal, permission)).mapTo(UUID.class).list();
    }

    /** Every permission the user holds on some object, itself or through a group. */
    Set<Permission> heldAnywhere(Handle h, UUID userId) {
        Set<Permission> held = EnumSet.noneOf(Permission.class);
        h.createQuery("SELECT DISTINCT rp.permission FROM permissions p JOIN role_permissions rp ON rp.role_id = p.role_id"
                        + " WHERE p.user_id = :user OR p.group_id IN (SELECT group_id FROM group_members WHERE user_id = :user)")
                .bind("user", userId).mapTo(String.class).forEach(name -> held.add(Permission.valueOf(name)));
        return held;
    }

    /** Every permission the principal holds on the object: granted there, on an object above it, or on the system. */
    Set<Permission> heldOn(Handle h, Principal principal, ObjectRef object) {
        Set<Permission> held = EnumSet.noneOf(Permission.class);
        String where = object.type() == ObjectType.SYSTEM ? "held.object_type = 'SYSTEM'"
                : "held.object_type = 'SYSTEM' OR (held.object_type, held.object_id) IN (SELECT a.ancestor_type, a.ancestor_id FROM ("
                + ancestry(object.type()) + ") a WHERE a.id = :rbacObject)";
        var query = h.createQuery("SELECT DISTINCT held.permission FROM (" + HELD_BY_CALLER + ") held WHERE " + where)
                .bind("rbacUser", principal.id());
        if (object.type() != ObjectType.SYSTEM) {
            query.bind("rbacObject", object.id());
        }
        query.mapTo(String.class).forEach(name -> held.add(Permission.valueOf(name)));
        return held;
    }

    /** A permission a user or a group holds on an object. */
    record Holding(Permission permission, ObjectRef object) {
    }

    /**
     * A permission that the user (itself or through a group) holds somewhere and the caller does not
     * hold there, if there is one: what makes the user more powerful than the caller. SYSTEM ones come
     * first, then in the enum's order.
     */
    Optional<Holding> beyondCaller(Handle h, Principal caller, UUID userId) {
        return beyond(h, caller, "p.user_id = :target OR p.group_id IN (SELECT group_id FROM group_members WHERE user_id = :target)",
                userId);
    }

    /** The same for what is granted to a group (and so to whoever joins it). */
    Optional<Holding> beyondCallerInGroup(Handle h, Principal caller, UUID groupId) {
        return beyond(h, caller, "p.group_id = :target", groupId);
    }

    private Optional<Holding> beyond(Handle h, Principal caller, String targetGrants, UUID target) {
        return h.createQuery("SELECT t.permission, t.object_type, t.object_id FROM (SELECT rp.permission, p.object_type, p.object_id"
                        + " FROM permissions p JOIN role_permissions rp ON rp.role_id = p.role_id WHERE " + targetGrants + ") t"
                        + " WHERE NOT EXISTS (SELECT 1 FROM (" + HELD_BY_CALLER + ") c WHERE c.permission = t.permission"
                        + " AND (c.object_type = 'SYSTEM' OR (c.object_type = t.object_type AND c.object_id = t.object_id)"
                        + " OR EXISTS (SELECT 1 FROM (" + ANY_ANCESTRY + ") a WHERE a.type = t.object_type AND a.id = t.object_id"
                        + " AND a.ancestor_type = c.object_type AND a.ancestor_id = c.object_id)))"
                        + " ORDER BY t.object_type = 'SYSTEM' DESC, array_position(" + PERMISSION_ORDER + ", t.permission),"
                        + " t.object_type, t.object_id LIMIT 1")
                .bind("target", target).bind("rbacUser", caller.id())
                .map((rs, ctx) -> new Holding(Permission.valueOf(rs.getString("permission")),
                        ObjectRef.of(ObjectType.valueOf(rs.getString("object_type")), rs.getObject("object_id", UUID.class))))
                .findOne();
    }

    /**
     * How many enabled users hold SuperUser on the system, themselves or through a group. Takes a
     * transaction-wide lock first, so that two transactions that each take one SuperUser away are
     * counted one after the other.
     */
    int enabledSuperUsers(Handle h) {
        h.execute("SELECT pg_advisory_xact_lock(hashtext('vireo.superusers'))");
        return h.createQuery("SELECT count(*) FROM users u WHERE u.enabled AND EXISTS (SELECT 1 FROM permissions p"
                        + " WHERE p.role_id = :role AND p.object_type = 'SYSTEM' AND (p.user_id = u.id"
                        + " OR p.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id = u.id)))")
                .bind("role", BuiltInRole.SUPER_USER.id()).mapTo(Integer.class).one();
    }

    // --- the objects permissions are granted on

    boolean exists(Handle h, ObjectRef object) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM " + table(object.type()) + " WHERE id = :id)").bind("id", object.id())
                .mapTo(Boolean.class).one();
    }

    Optional<String> name(Handle h, ObjectRef object) {
        return h.createQuery("SELECT name FROM " + table(object.type()) + " WHERE id = :id").bind("id", object.id())
                .mapTo(String.class).findOne();
    }

    // --- grants

    /** Grants a role to a user (or to a group when {@code group}); answers whether it is new, as granting twice is one grant. */
    boolean insert(Handle h, UUID id, UUID principalId, boolean group, UUID roleId, ObjectRef object) {
        return h.createUpdate("INSERT INTO permissions (id, user_id, group_id, role_id, object_type, object_id) "
                        + "VALUES (:id, CAST(:user AS uuid), CAST(:group AS uuid), :role, :type, :object) ON CONFLICT DO NOTHING")
                .bind("id", id).bind("user", group ? null : principalId).bind("group", group ? principalId : null)
                .bind("role", roleId).bind("type", object.type().name()).bind("object", object.id())
                .execute() > 0;
    }

    /** The grant of the role to the user or group on the object, if there is one. */
    Optional<Grant> find(Handle h, UUID principalId, UUID roleId, ObjectRef object) {
        return h.createQuery(SELECT_GRANTS + " WHERE COALESCE(p.user_id, p.group_id) = :principal "
                        + "AND p.role_id = :role AND p.object_type = :type AND p.object_id = :object")
                .bind("principal", principalId).bind("role", roleId).bind("type", object.type().name())
                .bind("object", object.id()).map((rs, ctx) -> toGrant(rs)).findOne();
    }

    Optional<Grant> find(Handle h, UUID id) {
        return h.createQuery(SELECT_GRANTS + " WHERE p.id = :id").bind("id", id).map((rs, ctx) -> toGrant(rs)).findOne();
    }

    /**
     * One page of the grants, optionally of one object type or object, on objects of which
     * {@code visible} answers the visible ones for each type; by object type, then oldest first.
     */
    List<Grant> list(Handle h, Optional<ObjectType> type, Optional<UUID> objectId, Function<ObjectType, Visibility> visible,
                     Optional<String> search, Paging paging) {
        SqlPredicate where = SearchQuery.parse(search.orElse(null), SEARCH_FIELDS).predicate().and(visibleGrants(visible));
        if (type.isPresent()) {
            where = where.and(new SqlPredicate("p.object_type = :objectType", Map.of("objectType", type.get().name())));
        }
        if (objectId.isPresent()) {
            where = where.and(new SqlPredicate("p.object_id = :objectId", Map.of("objectId", objectId.get())));
        }
        return Pages.list(h, SELECT_GRANTS, where, "p.object_type, p.created_at, p.id", paging, (rs, ctx) -> toGrant(rs));
    }

    /** How many grants of the role there are. */
    int count(Handle h, UUID roleId) {
        return h.createQuery("SELECT count(*) FROM permissions WHERE role_id = :role").bind("role", roleId)
                .mapTo(Integer.class).one();
    }

    boolean delete(Handle h, UUID id) {
        return h.createUpdate("DELETE FROM permissions WHERE id = :id").bind("id", id).execute() > 0;
    }

    /** Removes every grant on the object, or only the user's when one is named; answers how many went. */
    int deleteOn(Handle h, ObjectRef object, Optional<UUID> userId) {
        return h.createUpdate("DELETE FROM permissions WHERE object_type = :type AND object_id = :object"
                        + " AND (CAST(:user AS uuid) IS NULL OR user_id = CAST(:user AS uuid))")
                .bind("type", object.type().name()).bind("object", object.id()).bind("user", userId.orElse(null)).execute();
    }

    // --- the object tree

    private static String table(ObjectType type) {
        String table = TABLES.get(type);
        if (table == null) {
            throw new IllegalArgumentException(type + " has no table");
        }
        return table;
    }

    /**
     * For every object of a type, the objects above it (itself included, the system left out: a
     * system grant reaches everything and is checked first), as rows {@code (id, ancestor_type, ancestor_id)}.
     */
    private static String ancestry(ObjectType type) {
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

    /** The ids of the objects of the type on which the principal holds the permission below the system. */
    private static String grantedIds(ObjectType type) {
        return "SELECT a.id FROM (" + ancestry(type) + ") a JOIN (" + HELD + ") g"
                + " ON g.object_type = a.ancestor_type AND g.object_id = a.ancestor_id";
    }

    private static Map<String, Object> parameters(Principal principal, Permission permission) {
        return Map.of("rbacUser", principal.id(), "rbacPermission", permission.name());
    }

    /** Grants on objects that are visible: for each type, those whose object its visibility keeps. */
    private static SqlPredicate visibleGrants(Function<ObjectType, Visibility> visible) {
        SqlPredicate any = SqlPredicate.FALSE;
        boolean all = true;
        for (ObjectType type : ObjectType.values()) {
            Visibility objects = visible.apply(type);
            all &= objects.all();
            if (objects != Visibility.NONE) {
                String parameter = "grantType" + type.ordinal();
                any = any.or(new SqlPredicate("p.object_type = :" + parameter, Map.of(parameter, type.name()))
                        .and(objects.on("p.object_id")));
            }
        }
        return all ? SqlPredicate.TRUE : any;
    }

    private static Grant toGrant(ResultSet rs) throws SQLException {
        boolean user = rs.getObject("user_id") != null;
        ObjectType type = ObjectType.valueOf(rs.getString("object_type"));
        return new Grant(rs.getObject("id").toString(), user ? "USER" : "GROUP",
                (user ? rs.getObject("user_id") : rs.getObject("group_id")).toString(), rs.getString("principal_name"),
                rs.getObject("role_id").toString(), rs.getString("role_name"), type,
                type == ObjectType.SYSTEM ? null : rs.getObject("object_id").toString(), Rows.instant(rs, "created_at"));
    }
}
