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
import io.vireo.engine.vms.StartVmJob;
import io.vireo.engine.vms.VmService;
import io.vireo.engine.vms.DesktopCounts;
import io.vireo.engine.vms.DesktopService;
import io.vireo.engine.common.Paging;
import io.vireo.engine.common.Principal;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.store.UniqueNames;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Cluster;
import io.vireo.model.Disk;
import io.vireo.model.DiskStatus;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmPool;
import io.vireo.model.VmPoolStatus;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

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
    public static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "type", new SearchQuery.Field("type", SearchQuery.Type.ENUM),
            "status", new SearchQuery.Field("status", SearchQuery.Type.ENUM),
            "cluster", new SearchQuery.Field("cluster_id::text", SearchQuery.Type.TEXT));

    private final Jdbi jdbi;
    private final PoolRepository pools;
    private final DataCenterService dataCenters;
    private final StorageService storage;
    private final VmService vms;
    private final DesktopService desktops;
    private final EventLog events;
    private final PermissionService permissions;

    public PoolService(Jdbi jdbi, DataCenterService dataCenters, StorageService storage, VmService vms, DesktopService desktops,
                       EventLog events, PermissionService permissions) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.pools = new PoolRepository(jdbi);
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.storage = requireNonNull(storage, "storage");
        this.vms = requireNonNull(vms, "vms");
        this.desktops = requireNonNull(desktops, "desktops");
        this.events = requireNonNull(events, "events");
        this.permissions = requireNonNull(permissions, "permissions");
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
        UniqueNames.insert(jdbi, "pool", name, h -> {
            Vm locked = vms.lock(h, templateId);
            if (locked.status() != VmStatus.DOWN) {
                throw new ConflictException(ErrorCode.VM_NOT_DOWN, "The template VM " + locked.name() + " is " + locked.status()
                        + "; a pool's template must be Down (its disks become the desktops' base)");
            }
            for (Disk disk : storage.disksOfVm(h, templateId)) {
                if (disk.status() != DiskStatus.OK) {
                    throw new ConflictException(ErrorCode.DISK_NOT_READY, "Disk " + disk.name() + " of the template VM is "
                            + disk.status() + ", not ready to be a desktop's base");
                }
            }
            pools.insert(h, id, name, description, clusterId, templateId, type, size, prestarted, perUser);
            events.write(h, EventLog.Entry.info("POOL_CREATED", "Pool " + name + " was created (" + type.toLowerCase()
                    + ", " + size + " desktops from template " + locked.name() + ", " + prestarted + " kept started)"));
            return id;
        });
        return pool(id);
    }

    private static String description(String value) {
        return value == null ? "" : Fields.text("description", value, Fields.DESCRIPTION_LENGTH);
    }

    /** A page of the pools the caller may see (or use) that match the search, by name, with their counts. */
    public List<VmPool> list(Visibility visible, Optional<String> search, Paging paging) {
        return jdbi.inTransaction(h -> withCounts(h, pools.list(h, visible,
                SearchQuery.parse(search.orElse(null), SEARCH_FIELDS).predicate(), paging)));
    }

    public VmPool pool(UUID id) {
        return jdbi.inTransaction(h -> withCounts(h, List.of(pools.find(h, id)
                .orElseThrow(() -> NotFoundException.of(ErrorCode.POOL_NOT_FOUND, "pool", id)))).getFirst());
    }

    private List<VmPool> withCounts(Handle h, List<PoolRepository.PoolRow> rows) {
        Map<UUID, DesktopCounts> counts = desktops.counts(h, rows.stream().map(PoolRepository.PoolRow::id).toList());
        return rows.stream().map(row -> toPool(row, counts.getOrDefault(row.id(), DesktopCounts.NONE))).toList();
    }

    /** Changes the pool's shape; the monitor adds or removes desktops to match it. */
    public VmPool update(UUID id, VmPool.Update update) {
        Fields.required("body", update);
        jdbi.useTransaction(h -> {
            PoolRepository.PoolRow pool = lock(h, id);
            refuseIfDeleting(pool);
            int size = update.size() == null ? pool.size() : Fields.range("size", update.size(), 0, MAX_SIZE);
            int prestarted = update.prestarted() == null ? Math.min(pool.prestarted(), size)
                    : Fields.range("prestarted", update.prestarted(), 0, size);
            int perUser = update.maxDesktopsPerUser() == null ? pool.maxDesktopsPerUser()
                    : Fields.range("maxDesktopsPerUser", update.maxDesktopsPerUser(), 1, MAX_DESKTOPS_PER_USER);
            String description = update.description() == null ? pool.description() : description(update.description());
            pools.update(h, id, size, prestarted, perUser, description);
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
            PoolRepository.PoolRow pool = lock(h, id);
            List<String> running = desktops.runningNames(h, id);
            if (!running.isEmpty()) {
                throw new ConflictException(ErrorCode.POOL_DESKTOPS_RUNNING, "Pool " + pool.name() + " still has running desktops ("
                        + String.join(", ", running) + "); stop them before removing the pool", Map.of("desktops", running));
            }
            pools.markDeleting(h, id);
            events.write(h, EventLog.Entry.info("POOL_REMOVAL_REQUESTED", "Pool " + pool.name() + " is being removed with its "
                    + desktops.counts(h, List.of(id)).getOrDefault(id, DesktopCounts.NONE).desktops() + " desktop(s)"));
        });
        return pool(id);
    }

    /**
     * Gives a free desktop of the pool to the user: one already running if there is one, else one
     * that is Down, which is started. The pool's row is locked for the decision, so concurrent
     * requests of many users never get the same desktop, and a user's limit holds.
     */
    public VmPool.Allocation allocate(UUID poolId, Principal user) {
        return jdbi.inTransaction(h -> {
            PoolRepository.PoolRow pool = lock(h, poolId);
            refuseIfDeleting(pool);
            List<String> mine = desktops.namesOfUser(h, poolId, user.id());
            if (mine.size() >= pool.maxDesktopsPerUser()) {
                throw new ConflictException(ErrorCode.POOL_USER_LIMIT, "User " + user.name() + " already has " + mine.size()
                        + " desktop(s) of pool " + pool.name() + " (" + String.join(", ", mine) + "), the most the pool gives "
                        + "one user; open it from your desktops", Map.of("desktops", mine));
            }
            Optional<UUID> chosen = desktops.lockNextFree(h, poolId);
            if (chosen.isEmpty()) {
                DesktopCounts counts = desktops.counts(h, List.of(poolId)).getOrDefault(poolId, DesktopCounts.NONE);
                throw new ConflictException(ErrorCode.POOL_EXHAUSTED, "Pool " + pool.name() + " has no free desktop: "
                        + counts.assigned() + " of its " + counts.desktops() + " desktop(s) are given to users"
                        + (counts.desktops() < pool.size() ? " and " + (pool.size() - counts.desktops()) + " are still being made" : "")
                        + "; try again later or ask for a larger pool");
            }
            UUID vmId = chosen.get();
            desktops.assign(h, vmId, user.id());
            // the desktop is the user's while assigned: see it, power it, open its console
            permissions.grant(h, user.id(), BuiltInRole.USER_ROLE, ObjectRef.vm(vmId));
            Vm vm = vms.vm(h, vmId);
            UUID job = null;
            if (vm.status() == VmStatus.DOWN && vms.openJob(h, vmId).isEmpty()) {
                job = vms.action(h, vmId, StartVmJob.request(null));
            }
            events.write(h, EventLog.Entry.info("DESKTOP_ALLOCATED", "Desktop " + vm.name() + " of pool " + pool.name()
                    + " was given to user " + user.name() + (job == null ? "" : "; it is starting")).vm(vmId));
            return new VmPool.Allocation(vms.vm(h, vmId), job == null ? null : job.toString());
        });
    }

    private PoolRepository.PoolRow lock(Handle h, UUID id) {
        return pools.lock(h, id).orElseThrow(() -> NotFoundException.of(ErrorCode.POOL_NOT_FOUND, "pool", id));
    }

    private static void refuseIfDeleting(PoolRepository.PoolRow pool) {
        if (pool.status() == VmPoolStatus.DELETING) {
            throw new ConflictException(ErrorCode.POOL_DELETING, "Pool " + pool.name() + " is being removed");
        }
    }

    private static VmPool toPool(PoolRepository.PoolRow row, DesktopCounts counts) {
        return new VmPool(row.id().toString(), row.name(), row.description(), row.clusterId().toString(),
                row.templateId().toString(), row.type(), row.size(), row.prestarted(), row.maxDesktopsPerUser(), row.status(),
                counts.desktops(), counts.free(), counts.assigned(), counts.running(), row.createdAt());
    }
}
