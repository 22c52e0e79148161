package io.vireo.engine.vms;

import io.vireo.engine.common.ConflictException;
import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.Fields;
import io.vireo.engine.store.SearchQuery;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.datacenters.ClusterPolicies;
import io.vireo.engine.common.Paging;
import io.vireo.engine.store.UniqueNames;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Host;
import io.vireo.engine.jobs.JobService;
import io.vireo.engine.jobs.JobTarget;
import io.vireo.engine.storage.StorageService;
import io.vireo.model.Cluster;
import io.vireo.model.Disk;
import io.vireo.model.DiskStatus;
import io.vireo.model.ErrorCode;
import io.vireo.model.Vm;
import io.vireo.model.VmStatus;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;

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
    private final HostService hosts;
    private final JobService jobs;
    private final TemplateUse templates;
    private final EventLog events;

    public VmService(Jdbi jdbi, VmRepository vms, DataCenterService dataCenters, StorageService storage,
                     HostService hosts, JobService jobs, TemplateUse templates, EventLog events) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.vms = requireNonNull(vms, "vms");
        this.dataCenters = requireNonNull(dataCenters, "dataCenters");
        this.storage = requireNonNull(storage, "storage");
        this.hosts = requireNonNull(hosts, "hosts");
        this.jobs = requireNonNull(jobs, "jobs");
        this.templates = requireNonNull(templates, "templates");
        this.events = requireNonNull(events, "events");
    }

    public Vm create(Vm.Create request) {
        return create(request, (h, id) -> {
        });
    }

    /** Creates a VM; {@code alsoInTransaction} runs in the same transaction with the new id (e.g. to make its creator its owner). */
    public Vm create(Vm.Create request, BiConsumer<Handle, UUID> alsoInTransaction) {
        Fields.required("body", request);
        String name = Fields.name("name", request.name());
        UUID clusterId = Fields.id("clusterId", request.clusterId());
        int vcpus = Fields.range("vcpus", request.vcpus(), 1, MAX_VCPUS);
        int memory = Fields.range("memoryMib", request.memoryMib(), MIN_MEMORY_MIB, MAX_MEMORY_MIB);
        String graphics = request.graphics() == null ? "vnc" : Fields.oneOf("graphics", request.graphics(), "vnc", "spice", "none");
        boolean kernelBoot = request.kernelFileId() != null;
        if (!kernelBoot && (request.initrdFileId() != null || request.cmdline() != null)) {
            throw InvalidInputException.invalid("kernelFileId", "An initrd or a kernel command line needs a kernel");
        }
        if (request.cmdline() != null && request.cmdline().length() > 4096) {
            throw InvalidInputException.invalid("cmdline", "The kernel command line is longer than 4096 characters");
        }
        List<UUID> diskIds = diskIds(request.diskIds());
        ClusterPolicies.checkMigrationPolicy("migrationPolicy", request.migrationPolicy());
        UUID preferredHost = request.preferredHostId() == null ? null : Fields.id("preferredHostId", request.preferredHostId());
        if (!kernelBoot && diskIds.isEmpty()) {
            throw InvalidInputException.invalid("diskIds", "A VM needs a disk or a kernel to boot from");
        }
        Cluster cluster = dataCenters.cluster(clusterId);
        if (preferredHost != null) {
            checkHostInCluster("preferredHostId", preferredHost, cluster);
        }
        UUID id = UUID.randomUUID();
        UniqueNames.insert(jdbi, "VM", name, h -> {
            List<Disk> disks = new ArrayList<>();
            for (UUID diskId : diskIds) {
                disks.add(storage.lockForAttach(h, diskId, cluster.dataCenterId(), cluster.name()));
            }
            // boot files by id only, of the VM's data center; locked so that a scan cannot remove them meanwhile
            UUID kernel = kernelBoot ? UUID.fromString(storage.lockBootFileForVm(h, "kernelFileId", request.kernelFileId(),
                    cluster.dataCenterId()).id()) : null;
            UUID initrd = request.initrdFileId() == null ? null : UUID.fromString(storage.lockBootFileForVm(h, "initrdFileId",
                    request.initrdFileId(), cluster.dataCenterId()).id());
            vms.insert(h, id, name, clusterId, vcpus, memory, kernel, initrd, request.cmdline(), graphics,
                    json(request.migrationPolicy()), preferredHost);
            for (int i = 0; i < disks.size(); i++) {
                storage.attach(h, UUID.fromString(disks.get(i).id()), id, i + 1);
            }
            events.write(h, EventLog.Entry.info("VM_CREATED", "VM " + name + " was created in cluster " + cluster.name()
                    + " (" + vcpus + " vCPUs, " + memory + " MiB, " + disks.size() + " disk(s))").vm(id));
            alsoInTransaction.accept(h, id);
            return id;
        });
        return vm(id);
    }

    private void checkHostInCluster(String field, UUID hostId, Cluster cluster) {
        Host host = hosts.host(hostId);
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
        ClusterPolicies.checkMigrationPolicy("migrationPolicy", update.migrationPolicy());
        UUID preferredHost = update.preferredHostId() == null ? null : Fields.id("preferredHostId", update.preferredHostId());
        if (preferredHost != null) {
            checkHostInCluster("preferredHostId", preferredHost, dataCenters.cluster(UUID.fromString(vm.clusterId())));
        }
        jdbi.useTransaction(h -> {
            if (update.migrationPolicy() != null) {
                vms.setMigrationPolicy(h, vmId, json(update.migrationPolicy()));
            }
            if (preferredHost != null) {
                vms.setPreferredHost(h, vmId, preferredHost);
            }
            events.write(h, EventLog.Entry.info("VM_UPDATED", "VM " + vm.name() + " was changed").vm(vmId));
        });
        return vm(vmId);
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

    public Vm vm(UUID id) {
        return vms.find(id).orElseThrow(() -> NotFoundException.of(ErrorCode.VM_NOT_FOUND, "VM", id));
    }

    public Vm vm(Handle h, UUID id) {
        return vms.find(h, id).orElseThrow(() -> NotFoundException.of(ErrorCode.VM_NOT_FOUND, "VM", id));
    }

    public Optional<Vm> find(UUID id) {
        return vms.find(id);
    }

    public Optional<Vm> find(Handle h, UUID id) {
        return vms.find(h, id);
    }

    /** Locks the VM's row for the rest of the caller's transaction, so two requests cannot both act on it. */
    public Vm lock(Handle h, UUID id) {
        return vms.lock(h, id).orElseThrow(() -> NotFoundException.of(ErrorCode.VM_NOT_FOUND, "VM", id));
    }

    public Optional<Vm> tryLock(Handle h, UUID id) {
        return vms.lock(h, id);
    }

    /** A page of the VMs the caller may see that match the search ({@link #SEARCH_FIELDS}), by name. */
    public List<Vm> list(Visibility visible, Optional<String> search, Paging paging) {
        return vms.list(visible, SearchQuery.parse(search.orElse(null), SEARCH_FIELDS).predicate(), paging);
    }

    /** Every VM placed on a host (not Down): [vm, host, migration destination or null]. */
    public List<UUID[]> placed() {
        return jdbi.withHandle(vms::placed);
    }

    public List<Vm> onHost(Handle h, UUID hostId) {
        return vms.onHost(h, hostId);
    }

    public Map<UUID, HostLoad> loadByHost(Handle h, UUID clusterId) {
        return vms.loadByHost(h, clusterId);
    }

    public List<Vm> inCluster(Handle h, UUID clusterId) {
        return vms.inCluster(h, clusterId);
    }

    public Map<VmStatus, Integer> countByStatus() {
        return vms.countByStatus();
    }

    /** The job working on the VM now, if one is. */
    public Optional<UUID> openJob(Handle h, UUID vmId) {
        return jobs.openJobFor(h, vmId);
    }

    /** Refuses when a job works on the VM: one long operation per VM at a time. */
    public void refuseIfBusy(Handle h, Vm vm) {
        jobs.openJobFor(h, UUID.fromString(vm.id())).ifPresent(job -> {
            throw new ConflictException(ErrorCode.VM_BUSY, "VM " + vm.name() + " is busy with another operation (job "
                    + job + "); wait for it to end", Map.of("jobId", job.toString()));
        });
    }

    /** The VM's observed status and place, as a job or a monitor learned it. */
    public void setStatus(Handle h, UUID vmId, VmStatus status, UUID hostId, DisplayPorts display) {
        vms.setStatus(h, vmId, status, hostId, display);
    }

    /** The VM starts moving to another host: MigratingFrom, still on its source. */
    public void startMigration(Handle h, UUID vmId, UUID destination) {
        vms.startMigration(h, vmId, destination);
    }

    public int migrationsFrom(UUID hostId) {
        return vms.migrationsFrom(hostId);
    }

    public int migrationsTo(UUID hostId) {
        return vms.migrationsTo(hostId);
    }

    /** Records the intent of an action and the job that carries it out; answers the job id. */
    public UUID action(UUID vmId, VmActionRequest<?> request) {
        return jdbi.inTransaction(h -> action(h, vmId, request));
    }

    /** Like {@link #action(UUID, VmActionRequest)}, in the caller's transaction (a pool giving out a desktop). */
    public UUID action(Handle h, UUID vmId, VmActionRequest<?> request) {
        {
            VmAction action = request.action();
            Vm vm = lock(h, vmId);
            refuseIfBusy(h, vm);
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
    private void refuseIfPoolTemplate(Handle h, Vm vm, String what) {
        templates.poolUsing(h, UUID.fromString(vm.id())).ifPresent(pool -> {
            throw new ConflictException(ErrorCode.VM_IS_POOL_TEMPLATE, "VM " + vm.name() + " is the template of pool " + pool
                    + ": its disks are the base of the pool's desktops, so it cannot be " + what
                    + " while the pool exists", Map.of("pool", pool));
        });
    }

    private void checkStartable(Handle h, Vm vm, UUID hostId) {
        refuseIfPoolTemplate(h, vm, "started");
        for (Disk disk : storage.disksOfVm(h, UUID.fromString(vm.id()))) {
            if (disk.status() != DiskStatus.OK) {
                throw new ConflictException(ErrorCode.DISK_NOT_READY, "VM " + vm.name() + " cannot start: disk " + disk.name()
                        + " is " + disk.status());
            }
        }
        if (hostId != null) {
            Host host = hosts.host(h, (UUID) hostId);
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
            Vm vm = lock(h, vmId);
            if (vm.status() != VmStatus.DOWN) {
                throw new ConflictException(ErrorCode.VM_NOT_DOWN, "VM " + vm.name() + " is " + vm.status() + "; stop it before removing it");
            }
            jobs.openJobFor(h, vmId).ifPresent(job -> {
                throw new ConflictException(ErrorCode.VM_BUSY, "VM " + vm.name() + " is busy with job " + job);
            });
            refuseIfPoolTemplate(h, vm, "removed");
            List<Disk> disks = storage.disksOfVm(h, vmId);
            storage.detachAll(h, vmId);
            vms.delete(h, vmId);
            events.write(h, EventLog.Entry.info("VM_REMOVED", "VM " + vm.name() + " was removed"
                    + (removeDisks && !disks.isEmpty() ? "; its " + disks.size() + " disk(s) are being removed" : "")));
            List<UUID> diskJobs = new ArrayList<>();
            if (removeDisks) {
                for (Disk disk : disks) {
                    diskJobs.add(storage.removeImage(h, disk));
                }
            }
            return new DeleteResult(diskJobs);
        });
    }

    public record DeleteResult(List<UUID> diskJobIds) {
    }
}
