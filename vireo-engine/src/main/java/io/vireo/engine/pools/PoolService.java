package io.vireo.engine.pools;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.UnauthenticatedException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.auth.BuiltInRole;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.storage.StorageService;
import io.vireo.engine.store.Rows;
import io.vireo.engine.vms.StartVmJob;
import io.vireo.engine.vms.VmService;
import io.vireo.model.Cluster;
import io.vireo.model.Disk;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmPool;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Desktop pools: their desired shape (size, prestarted desktops, desktops per user) and giving a
 * desktop to a user. The pool monitor makes the desktops match the shape; this class only records
 * what is wanted, except for an allocation, which it carries out at once.
 */
public final class PoolService {
    public static final int MAX_SIZE = 10_000;
    public static final int MAX_DESKTOPS_PER_USER = 100;
    /** A pool with its desktop counts, in one pass over its desktops. */
    private static final String POOL_SELECT = "SELECT p.*, c.desktops, c.assigned, c.running, c.free FROM vm_pools p "
            + "CROSS JOIN LATERAL (SELECT count(*) AS desktops, "
            + "count(*) FILTER (WHERE v.assigned_user_id IS NOT NULL) AS assigned, "
            + "count(*) FILTER (WHERE v.status <> 'DOWN') AS running, "
            + "count(*) FILTER (WHERE " + Desktops.FREE + ") AS free FROM vms v WHERE v.pool_id = p.id) c";

    private final Jdbi jdbi;
    private final DataCenterService dataCenters;
    private final StorageService storage;
    private final VmService vms;
    private final EventLog events;
    private final PermissionService permissions;

    public PoolService(Jdbi jdbi, DataCenterService dataCenters, StorageService storage, VmService vms, EventLog events,
                       PermissionService permissions) {
        this.permissions = requireNonNull(permissions, "permissions");
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.storage = requireNonNull(storage, "storage");
        this.vms = requireNonNull(vms, "vms");
        this.events = requireNonNull(events, "events");
    }

    public VmPool create(VmPool.Create request) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        if (name.length() > 56) {
            throw InvalidInputException.invalid("name", "A pool name has at most 56 characters (its desktops are named <pool>-<number>)");
        }
        UUID templateId = Fields.id("templateVmId", request.templateVmId());
        String type = Fields.oneOf("type", Fields.required("type", request.type()), "AUTOMATIC", "MANUAL");
        int size = Fields.range("size", Fields.required("size", request.size()), 0, MAX_SIZE);
        int prestarted = request.prestarted() == null ? 0 : Fields.range("prestarted", request.prestarted(), 0, size);
        int perUser = request.maxDesktopsPerUser() == null ? 1
                : Fields.range("maxDesktopsPerUser", request.maxDesktopsPerUser(), 1, MAX_DESKTOPS_PER_USER);
        String description = description(request.description());
        Vm template = vms.vm(templateId);
        UUID clusterId = request.clusterId() == null ? UUID.fromString(template.clusterId())
                : Fields.id("clusterId", request.clusterId());
        Cluster cluster = dataCenters.cluster(clusterId);
        if (!template.clusterId().equals(cluster.id())) {
            throw InvalidInputException.invalid("templateVmId", "The template VM " + template.name() + " is in another cluster than "
                    + cluster.name());
        }
        if (template.poolId() != null) {
            throw InvalidInputException.invalid("templateVmId", "VM " + template.name() + " is a desktop of a pool; a template must be a VM "
                    + "of its own");
        }
        UUID id = UUID.randomUUID();
        dataCenters.insertUnique("pool", name, h -> {
            h.createQuery("SELECT id FROM vms WHERE id = :id FOR UPDATE").bind("id", templateId).mapTo(UUID.class).findOne();
            Vm locked = vms.vm(h, templateId);
            if (locked.status() != VmStatus.DOWN) {
                throw new ConflictException(ErrorCode.VM_NOT_DOWN, "The template VM " + locked.name() + " is " + locked.status()
                        + "; a pool's template must be Down (its disks become the desktops' base)");
            }
            for (Disk disk : storage.disksOfVm(h, templateId)) {
                if (!disk.status().equals("OK")) {
                    throw new ConflictException(ErrorCode.DISK_NOT_READY, "Disk " + disk.name() + " of the template VM is "
                            + disk.status() + ", not ready to be a desktop's base");
                }
            }
            h.createUpdate("INSERT INTO vm_pools (id, name, description, cluster_id, template_vm_id, type, size, prestarted, "
                            + "max_desktops_per_user) VALUES (:id, :name, :description, :cluster, :template, :type, :size, "
                            + ":prestarted, :perUser)")
                    .bind("id", id).bind("name", name).bind("description", description).bind("cluster", clusterId)
                    .bind("template", templateId).bind("type", type).bind("size", size).bind("prestarted", prestarted)
                    .bind("perUser", perUser).execute();
            events.write(h, EventLog.Entry.info("POOL_CREATED", "Pool " + name + " was created (" + type.toLowerCase()
                    + ", " + size + " desktops from template " + locked.name() + ", " + prestarted + " kept started)"));
        });
        return pool(id);
    }

    private static String description(String value) {
        if (value != null && value.length() > 1000) {
            throw InvalidInputException.invalid("description", "The description is longer than 1000 characters");
        }
        return value == null ? "" : value;
    }

    public List<VmPool> list() {
        return jdbi.withHandle(h -> h.createQuery(POOL_SELECT + " ORDER BY p.name")
                .map((rs, ctx) -> toPool(rs)).list());
    }

    public VmPool pool(UUID id) {
        return jdbi.withHandle(h -> find(h, id))
                .orElseThrow(() -> NotFoundException.of(ErrorCode.POOL_NOT_FOUND, "pool", id));
    }

    private static Optional<VmPool> find(Handle h, UUID id) {
        return h.createQuery(POOL_SELECT + " WHERE p.id = :id").bind("id", id)
                .map((rs, ctx) -> toPool(rs)).findOne();
    }

    /** Changes the pool's shape; the monitor adds or removes desktops to match it. */
    public VmPool update(UUID id, VmPool.Update update) {
        Fields.required("body", update);
        jdbi.useTransaction(h -> {
            VmPool pool = lock(h, id);
            refuseIfDeleting(pool);
            int size = update.size() == null ? pool.size() : Fields.range("size", update.size(), 0, MAX_SIZE);
            int prestarted = update.prestarted() == null ? Math.min(pool.prestarted(), size)
                    : Fields.range("prestarted", update.prestarted(), 0, size);
            int perUser = update.maxDesktopsPerUser() == null ? pool.maxDesktopsPerUser()
                    : Fields.range("maxDesktopsPerUser", update.maxDesktopsPerUser(), 1, MAX_DESKTOPS_PER_USER);
            String description = update.description() == null ? pool.description() : description(update.description());
            h.createUpdate("UPDATE vm_pools SET size = :size, prestarted = :prestarted, max_desktops_per_user = :perUser, "
                            + "description = :description WHERE id = :id")
                    .bind("size", size).bind("prestarted", prestarted).bind("perUser", perUser)
                    .bind("description", description).bind("id", id).execute();
            if (size != pool.size()) {
                events.write(h, EventLog.Entry.info("POOL_RESIZED", "Pool " + pool.name() + " is resized from " + pool.size()
                        + " to " + size + " desktops"));
            }
        });
        return pool(id);
    }

    /**
     * Starts removing a pool: refused while any desktop runs; otherwise the monitor removes every
     * desktop with its overlay disks, then the pool.
     */
    public VmPool delete(UUID id) {
        jdbi.useTransaction(h -> {
            VmPool pool = lock(h, id);
            List<String> running = h.createQuery("SELECT name FROM vms WHERE pool_id = :pool AND status <> 'DOWN' ORDER BY name")
                    .bind("pool", id).mapTo(String.class).list();
            if (!running.isEmpty()) {
                throw new ConflictException(ErrorCode.POOL_DESKTOPS_RUNNING, "Pool " + pool.name() + " still has running desktops ("
                        + String.join(", ", running) + "); stop them before removing the pool", Map.of("desktops", running));
            }
            h.createUpdate("UPDATE vm_pools SET status = 'DELETING', size = 0, prestarted = 0 WHERE id = :id").bind("id", id).execute();
            events.write(h, EventLog.Entry.info("POOL_REMOVAL_REQUESTED", "Pool " + pool.name() + " is being removed with its "
                    + pool.desktops() + " desktop(s)"));
        });
        return pool(id);
    }

    /**
     * Gives a free desktop of the pool to the user: one already running if there is one, else one
     * that is Down, which is started. The pool's row is locked for the decision, so concurrent
     * requests of many users never get the same desktop, and a user's limit holds.
     */
    public VmPool.Allocation allocate(UUID poolId, String userName) {
        return jdbi.inTransaction(h -> {
            VmPool pool = lock(h, poolId);
            refuseIfDeleting(pool);
            UUID userId = h.createQuery("SELECT id FROM users WHERE name = :name").bind("name", userName).mapTo(UUID.class)
                    .findOne().orElseThrow(() -> new UnauthenticatedException(ErrorCode.UNAUTHORIZED, "Unknown user " + userName));
            List<String> mine = h.createQuery("SELECT name FROM vms WHERE pool_id = :pool AND assigned_user_id = :user ORDER BY name")
                    .bind("pool", poolId).bind("user", userId).mapTo(String.class).list();
            if (mine.size() >= pool.maxDesktopsPerUser()) {
                throw new ConflictException(ErrorCode.POOL_USER_LIMIT, "User " + userName + " already has " + mine.size()
                        + " desktop(s) of pool " + pool.name() + " (" + String.join(", ", mine) + "), the most the pool gives "
                        + "one user; open it from your desktops", Map.of("desktops", mine));
            }
            // Running first, then starting, then Down; the lowest number among equals.
            Optional<UUID> chosen = h.createQuery("SELECT id FROM vms v WHERE v.pool_id = :pool AND " + Desktops.FREE
                            + " ORDER BY CASE WHEN v.status = 'UP' THEN 0 WHEN v.status <> 'DOWN' THEN 1 "
                            + "WHEN EXISTS (SELECT 1 FROM jobs j WHERE j.target_id = v.id AND j.status IN ('PENDING', 'RUNNING')) "
                            + "THEN 1 ELSE 2 END, v.pool_index LIMIT 1 FOR UPDATE")
                    .bind("pool", poolId).mapTo(UUID.class).findOne();
            if (chosen.isEmpty()) {
                throw new ConflictException(ErrorCode.POOL_EXHAUSTED, "Pool " + pool.name() + " has no free desktop: " + pool.assigned()
                        + " of its " + pool.desktops() + " desktop(s) are given to users"
                        + (pool.desktops() < pool.size() ? " and " + (pool.size() - pool.desktops()) + " are still being made" : "")
                        + "; try again later or ask for a larger pool");
            }
            UUID vmId = chosen.get();
            h.createUpdate("UPDATE vms SET assigned_user_id = :user, assigned_at = now() WHERE id = :id")
                    .bind("user", userId).bind("id", vmId).execute();
            // the desktop is the user's while assigned: see it, power it, open its console
            permissions.grant(h, userId, BuiltInRole.USER_ROLE, ObjectRef.vm(vmId));
            Vm vm = vms.vm(h, vmId);
            UUID job = null;
            if (vm.status() == VmStatus.DOWN && h.createQuery("SELECT count(*) FROM jobs WHERE target_id = :vm "
                    + "AND status IN ('PENDING', 'RUNNING')").bind("vm", vmId).mapTo(Integer.class).one() == 0) {
                job = vms.action(h, vmId, StartVmJob.request(null));
            }
            events.write(h, EventLog.Entry.info("DESKTOP_ALLOCATED", "Desktop " + vm.name() + " of pool " + pool.name()
                    + " was given to user " + userName + (job == null ? "" : "; it is starting")).vm(vmId));
            return new VmPool.Allocation(vms.vm(h, vmId), job == null ? null : job.toString());
        });
    }

    private static VmPool lock(Handle h, UUID id) {
        h.createQuery("SELECT id FROM vm_pools WHERE id = :id FOR UPDATE").bind("id", id).mapTo(UUID.class).findOne()
                .orElseThrow(() -> NotFoundException.of(ErrorCode.POOL_NOT_FOUND, "pool", id));
        return find(h, id).orElseThrow();
    }

    private static void refuseIfDeleting(VmPool pool) {
        if (pool.status().equals("DELETING")) {
            throw new ConflictException(ErrorCode.POOL_DELETING, "Pool " + pool.name() + " is being removed");
        }
    }

    static VmPool toPool(ResultSet rs) throws SQLException {
        return new VmPool(rs.getObject("id").toString(), rs.getString("name"), rs.getString("description"),
                rs.getObject("cluster_id").toString(), rs.getObject("template_vm_id").toString(), rs.getString("type"),
                rs.getInt("size"), rs.getInt("prestarted"), rs.getInt("max_desktops_per_user"), rs.getString("status"),
                rs.getInt("desktops"), rs.getInt("free"), rs.getInt("assigned"), rs.getInt("running"),
                Rows.instant(rs, "created_at"));
    }
}
