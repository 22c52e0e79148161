package io.vireo.engine.vms;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hosts.HostRepository;
import io.vireo.engine.jobs.JobRepository;
import io.vireo.engine.jobs.JobTarget;
import io.vireo.engine.storage.DeleteDiskJob;
import io.vireo.engine.storage.StorageJobParams;
import io.vireo.engine.storage.StorageService;
import io.vireo.model.Cluster;
import io.vireo.model.Disk;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** The rules of VMs: what may be created, and which action is allowed in which status. */
public final class VmService {
    public static final Map<String, SearchQuery.Field> SEARCH_FIELDS = Map.of(
            "name", new SearchQuery.Field("name", SearchQuery.Type.TEXT),
            "status", new SearchQuery.Field("status", SearchQuery.Type.ENUM),
            "host", new SearchQuery.Field("host_id::text", SearchQuery.Type.TEXT),
            "cluster", new SearchQuery.Field("cluster_id::text", SearchQuery.Type.TEXT),
            "memory", new SearchQuery.Field("memory_mib", SearchQuery.Type.NUMBER),
            "vcpus", new SearchQuery.Field("vcpus", SearchQuery.Type.NUMBER));
    public static final int MAX_VCPUS = 256;
    public static final int MIN_MEMORY_MIB = 64;
    public static final int MAX_MEMORY_MIB = 4 * 1024 * 1024;

    private final Jdbi jdbi;
    private final VmRepository vms;
    private final DataCenterService dataCenters;
    private final StorageService storage;
    private final HostRepository hosts;
    private final JobRepository jobs;
    private final EventLog events;

    public VmService(Jdbi jdbi, VmRepository vms, DataCenterService dataCenters, StorageService storage,
                     HostRepository hosts, JobRepository jobs, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.vms = requireNonNull(vms, "vms");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.storage = requireNonNull(storage, "storage");
        this.hosts = requireNonNull(hosts, "hosts");
        this.jobs = requireNonNull(jobs, "jobs");
        this.events = requireNonNull(events, "events");
    }

    public Vm create(Vm.Create request) {
        return create(request, (h, id) -> {
        });
    }

    /** Creates a VM; {@code alsoInTransaction} runs in the same transaction with the new id (e.g. to make its creator its owner). */
    public Vm create(Vm.Create request, java.util.function.BiConsumer<Handle, UUID> alsoInTransaction) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        UUID clusterId = Fields.id("clusterId", request.clusterId());
        int vcpus = Fields.range("vcpus", request.vcpus(), 1, MAX_VCPUS);
        int memory = Fields.range("memoryMib", request.memoryMib(), MIN_MEMORY_MIB, MAX_MEMORY_MIB);
        String graphics = request.graphics() == null ? "vnc" : Fields.oneOf("graphics", request.graphics(), "vnc", "spice", "none");
        String kernel = request.kernel() == null ? null : Fields.absolutePath("kernel", request.kernel());
        String initrd = request.initrd() == null ? null : Fields.absolutePath("initrd", request.initrd());
        if (kernel == null && (initrd != null || request.cmdline() != null)) {
            throw InvalidInputException.invalid("kernel", "An initrd or a kernel command line needs a kernel");
        }
        if (request.cmdline() != null && request.cmdline().length() > 4096) {
            throw InvalidInputException.invalid("cmdline", "The kernel command line is longer than 4096 characters");
        }
        List<UUID> diskIds = diskIds(request.diskIds());
        io.vireo.engine.datacenters.ClusterPolicies.checkMigrationPolicy("migrationPolicy", request.migrationPolicy());
        UUID preferredHost = request.preferredHostId() == null ? null : Fields.id("preferredHostId", request.preferredHostId());
        if (kernel == null && diskIds.isEmpty()) {
            throw InvalidInputException.invalid("diskIds", "A VM needs a disk or a kernel to boot from");
        }
        Cluster cluster = dataCenters.cluster(clusterId);
        if (preferredHost != null) {
            checkHostInCluster("preferredHostId", preferredHost, cluster);
        }
        UUID id = UUID.randomUUID();
        dataCenters.insertUnique("VM", name, h -> {
            List<Disk> disks = lockDisks(h, diskIds, cluster);
            h.createUpdate("INSERT INTO vms (id, name, cluster_id, vcpus, memory_mib, kernel, initrd, cmdline, graphics, "
                            + "desired_state, status, migration_policy, preferred_host_id) VALUES (:id, :name, :cluster, :vcpus, "
                            + ":memory, :kernel, :initrd, :cmdline, :graphics, 'DOWN', 'DOWN', CAST(:policy AS jsonb), "
                            + "CAST(:preferred AS uuid))")
                    .bind("policy", json(request.migrationPolicy())).bind("preferred", preferredHost)
                    .bind("id", id).bind("name", name).bind("cluster", clusterId).bind("vcpus", vcpus).bind("memory", memory)
                    .bind("kernel", kernel).bind("initrd", initrd).bind("cmdline", request.cmdline()).bind("graphics", graphics)
                    .execute();
            for (int i = 0; i < disks.size(); i++) {
                h.createUpdate("UPDATE disks SET vm_id = :vm, boot_order = :order WHERE id = :id")
                        .bind("vm", id).bind("order", i + 1).bind("id", UUID.fromString(disks.get(i).id())).execute();
            }
            events.write(h, EventLog.Entry.info("VM_CREATED", "VM " + name + " was created in cluster " + cluster.name()
                    + " (" + vcpus + " vCPUs, " + memory + " MiB, " + disks.size() + " disk(s))").vm(id));
            alsoInTransaction.accept(h, id);
        });
        return vm(id);
    }

    private void checkHostInCluster(String field, UUID hostId, Cluster cluster) {
        var host = hosts.find(hostId).orElseThrow(() -> NotFoundException.of(ErrorCode.HOST_NOT_FOUND, "host", hostId));
        if (!host.clusterId().equals(cluster.id())) {
            throw InvalidInputException.invalid(field, "Host " + host.name() + " is not in cluster " + cluster.name());
        }
    }

    private static String json(Object value) {
        try {
            return value == null ? null : VmRepository.MAPPER.writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Changes a VM's migration overrides or preferred host; allowed in any status. */
    public Vm update(UUID vmId, Vm.Update update) {
        Fields.required("body", update);
        Vm vm = vm(vmId);
        io.vireo.engine.datacenters.ClusterPolicies.checkMigrationPolicy("migrationPolicy", update.migrationPolicy());
        UUID preferredHost = update.preferredHostId() == null ? null : Fields.id("preferredHostId", update.preferredHostId());
        if (preferredHost != null) {
            checkHostInCluster("preferredHostId", preferredHost, dataCenters.cluster(UUID.fromString(vm.clusterId())));
        }
        jdbi.useTransaction(h -> {
            if (update.migrationPolicy() != null) {
                h.createUpdate("UPDATE vms SET migration_policy = CAST(:policy AS jsonb) WHERE id = :id")
                        .bind("id", vmId).bind("policy", json(update.migrationPolicy())).execute();
            }
            if (preferredHost != null) {
                h.createUpdate("UPDATE vms SET preferred_host_id = :host WHERE id = :id").bind("id", vmId).bind("host", preferredHost)
                        .execute();
            }
            events.write(h, EventLog.Entry.info("VM_UPDATED", "VM " + vm.name() + " was changed").vm(vmId));
        });
        return vm(vmId);
    }

    /** Records a live migration of a running VM to the given host, or to the one the scheduler picks. */
    public UUID migrate(UUID vmId, UUID hostId) {
        return jdbi.inTransaction(h -> {
            Vm vm = vms.lock(h, vmId).orElseThrow(() -> NotFoundException.of(ErrorCode.VM_NOT_FOUND, "VM", vmId));
            jobs.openJobFor(h, vmId).ifPresent(job -> {
                throw new ConflictException(ErrorCode.VM_BUSY, "VM " + vm.name() + " is busy with another operation (job "
                        + job + "); wait for it to end", Map.of("jobId", job.toString()));
            });
            if (vm.status() != VmStatus.UP) {
                throw new ConflictException(ErrorCode.VM_NOT_UP, "Cannot migrate VM " + vm.name() + ": it is " + vm.status()
                        + "; only a running VM migrates live");
            }
            if (hostId != null) {
                var host = hosts.find(h, hostId).orElseThrow(() -> NotFoundException.of(ErrorCode.HOST_NOT_FOUND, "host", hostId));
                if (!host.clusterId().equals(vm.clusterId())) {
                    throw InvalidInputException.invalid("hostId", "Host " + host.name() + " is not in the VM's cluster");
                }
                if (hostId.toString().equals(vm.hostId())) {
                    throw InvalidInputException.invalid("hostId", "VM " + vm.name() + " already runs on host " + host.name());
                }
                if (host.status() != io.vireo.model.HostStatus.UP) {
                    throw new ConflictException(ErrorCode.HOST_NOT_UP, "Host " + host.name() + " is " + host.status()
                            + "; a VM can only migrate to an Up host");
                }
            }
            UUID job = jobs.create(h, io.vireo.engine.migration.MigrateVmJob.KIND, JobTarget.vm(vmId), "Migrate VM " + vm.name(),
                    new io.vireo.engine.migration.MigrateVmJob.Params(hostId));
            events.write(h, EventLog.Entry.info("VM_MIGRATE_REQUESTED", "Migration of VM " + vm.name() + " was requested")
                    .vm(vmId).job(job));
            return job;
        });
    }

    private static List<UUID> diskIds(List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > 16) {
            throw InvalidInputException.invalid("diskIds", "A VM can have at most 16 disks");
        }
        List<UUID> ids = new ArrayList<>();
        for (String value : values) {
            ids.add(Fields.id("diskIds", value));
        }
        if (new HashSet<>(ids).size() != ids.size()) {
            throw InvalidInputException.invalid("diskIds", "A disk is listed twice");
        }
        return ids;
    }

    private List<Disk> lockDisks(Handle h, List<UUID> diskIds, Cluster cluster) {
        List<Disk> disks = new ArrayList<>();
        for (UUID diskId : diskIds) {
            Disk disk = h.createQuery("SELECT id FROM disks WHERE id = :id FOR UPDATE").bind("id", diskId).mapTo(UUID.class)
                    .findOne().flatMap(ignored -> storage.findDisk(h, diskId))
                    .orElseThrow(() -> NotFoundException.of(ErrorCode.DISK_NOT_FOUND, "disk", diskId));
            if (disk.vmId() != null) {
                throw new ConflictException(ErrorCode.DISK_IN_USE, "Disk " + disk.name() + " is attached to another VM",
                        Map.of("diskId", disk.id(), "vmId", disk.vmId()));
            }
            if (!disk.status().equals("OK")) {
                throw new ConflictException(ErrorCode.DISK_NOT_READY, "Disk " + disk.name() + " is " + disk.status()
                        + ", not ready to be attached", Map.of("diskId", disk.id()));
            }
            String domainDataCenter = storage.domain(UUID.fromString(disk.storageDomainId())).dataCenterId();
            if (!domainDataCenter.equals(cluster.dataCenterId())) {
                throw InvalidInputException.invalid("diskIds", "Disk " + disk.name() + " is in another data center than cluster "
                        + cluster.name());
            }
            disks.add(disk);
        }
        return disks;
    }

    public Vm vm(UUID id) {
        return vms.find(id).orElseThrow(() -> NotFoundException.of(ErrorCode.VM_NOT_FOUND, "VM", id));
    }

    public Vm vm(Handle h, UUID id) {
        return vms.find(h, id).orElseThrow(() -> NotFoundException.of(ErrorCode.VM_NOT_FOUND, "VM", id));
    }

    public List<Vm> list(String search, int max, int page) {
        return list(search, max, page, io.vireo.engine.store.SqlPredicate.TRUE);
    }

    /** The VMs that match the search and the given predicate (e.g. those the caller may see), by page. */
    public List<Vm> list(String search, int max, int page, io.vireo.engine.store.SqlPredicate visible) {
        var where = SearchQuery.parse(search, SEARCH_FIELDS).predicate().and(visible);
        return vms.list(where.sql(), where.parameters(), "name", max, (page - 1) * max);
    }

    /** Records the intent of an action and the job that carries it out; answers the job id. */
    public UUID action(UUID vmId, VmActionRequest<?> request) {
        return jdbi.inTransaction(h -> action(h, vmId, request));
    }

    /** Like {@link #action(UUID, VmActionRequest)}, in the caller's transaction (a pool giving out a desktop). */
    public UUID action(Handle h, UUID vmId, VmActionRequest<?> request) {
        {
            VmAction action = request.action();
            Vm vm = vms.lock(h, vmId).orElseThrow(() -> NotFoundException.of(ErrorCode.VM_NOT_FOUND, "VM", vmId));
            jobs.openJobFor(h, vmId).ifPresent(job -> {
                throw new ConflictException(ErrorCode.VM_BUSY, "VM " + vm.name() + " is busy with another operation (job "
                        + job + "); wait for it to end", Map.of("jobId", job.toString()));
            });
            action.check(vm);
            if (request.params() instanceof StartVmJob.Params start) {
                checkStartable(h, vm, start.hostId());
            }
            vms.setDesiredState(h, vmId, action.desiredState(vm));
            UUID job = createJob(h, vmId, action.describe(vm), request);
            events.write(h, EventLog.Entry.info("VM_" + action.name() + "_REQUESTED", action.describe(vm) + " was requested")
                    .vm(vmId).job(job));
            return job;
        }
    }

    private <P extends Record> UUID createJob(Handle h, UUID vmId, String description, VmActionRequest<P> request) {
        return jobs.create(h, request.kind(), JobTarget.vm(vmId), description, request.params());
    }

    /** A pool's template must stay as it is while desktops are overlays of its disks. */
    private static void refuseIfPoolTemplate(Handle h, Vm vm, String what) {
        h.createQuery("SELECT name FROM vm_pools WHERE template_vm_id = :vm LIMIT 1").bind("vm", UUID.fromString(vm.id()))
                .mapTo(String.class).findOne().ifPresent(pool -> {
                    throw new ConflictException(ErrorCode.VM_IS_POOL_TEMPLATE, "VM " + vm.name() + " is the template of pool " + pool
                            + ": its disks are the base of the pool's desktops, so it cannot be " + what
                            + " while the pool exists", Map.of("pool", pool));
                });
    }

    private void checkStartable(Handle h, Vm vm, UUID hostId) {
        refuseIfPoolTemplate(h, vm, "started");
        for (Disk disk : storage.disksOfVm(h, UUID.fromString(vm.id()))) {
            if (!disk.status().equals("OK")) {
                throw new ConflictException(ErrorCode.DISK_NOT_READY, "VM " + vm.name() + " cannot start: disk " + disk.name()
                        + " is " + disk.status());
            }
        }
        if (hostId != null) {
            var host = hosts.find(h, hostId).orElseThrow(() -> NotFoundException.of(ErrorCode.HOST_NOT_FOUND, "host", hostId));
            if (!host.clusterId().equals(vm.clusterId())) {
                throw InvalidInputException.invalid("hostId", "Host " + host.name() + " is not in the VM's cluster");
            }
        } else if (hosts.upHostsInCluster(h, UUID.fromString(vm.clusterId())).isEmpty()) {
            throw new ConflictException(ErrorCode.NO_HOST_AVAILABLE, "VM " + vm.name() + " cannot start: no host of its cluster is Up");
        }
    }

    /** Removes a Down VM; its disks are detached, or removed too when asked. Answers a job when images are deleted. */
    public DeleteResult delete(UUID vmId, boolean removeDisks) {
        return jdbi.inTransaction(h -> {
            Vm vm = vms.lock(h, vmId).orElseThrow(() -> NotFoundException.of(ErrorCode.VM_NOT_FOUND, "VM", vmId));
            if (vm.status() != VmStatus.DOWN) {
                throw new ConflictException(ErrorCode.VM_NOT_DOWN, "VM " + vm.name() + " is " + vm.status() + "; stop it before removing it");
            }
            jobs.openJobFor(h, vmId).ifPresent(job -> {
                throw new ConflictException(ErrorCode.VM_BUSY, "VM " + vm.name() + " is busy with job " + job);
            });
            refuseIfPoolTemplate(h, vm, "removed");
            List<Disk> disks = storage.disksOfVm(h, vmId);
            h.createUpdate("UPDATE disks SET vm_id = NULL, boot_order = 0 WHERE vm_id = :vm").bind("vm", vmId).execute();
            h.createUpdate("DELETE FROM vms WHERE id = :id").bind("id", vmId).execute();
            events.write(h, EventLog.Entry.info("VM_REMOVED", "VM " + vm.name() + " was removed"
                    + (removeDisks && !disks.isEmpty() ? "; its " + disks.size() + " disk(s) are being removed" : "")));
            List<UUID> diskJobs = new ArrayList<>();
            if (removeDisks) {
                for (Disk disk : disks) {
                    h.createUpdate("UPDATE disks SET status = 'LOCKED' WHERE id = :id").bind("id", UUID.fromString(disk.id())).execute();
                    UUID dataCenter = UUID.fromString(dataCenters.cluster(UUID.fromString(vm.clusterId())).dataCenterId());
                    diskJobs.add(jobs.create(h, DeleteDiskJob.KIND, JobTarget.disk(UUID.fromString(disk.id())),
                            "Remove disk " + disk.name(), new StorageJobParams(dataCenter)));
                }
            }
            return new DeleteResult(diskJobs);
        });
    }

    public record DeleteResult(List<UUID> diskJobIds) {
    }
}
