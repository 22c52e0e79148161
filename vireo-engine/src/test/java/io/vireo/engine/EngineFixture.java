package io.vireo.engine;

import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.auth.RoleService;
import io.vireo.engine.common.Principal;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.hosts.HostRepository;
import io.vireo.engine.jobs.JobRepository;
import io.vireo.engine.jobs.JobService;
import io.vireo.engine.networks.NetworkService;
import io.vireo.engine.neutron.NeutronService;
import io.vireo.engine.pools.PoolService;
import io.vireo.engine.pools.PoolTemplates;
import io.vireo.engine.storage.StorageService;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.TestDatabase;
import io.vireo.engine.vms.DesktopService;
import io.vireo.engine.vms.VmRepository;
import io.vireo.engine.vms.VmService;
import io.vireo.model.BootFile;
import io.vireo.model.Cluster;
import io.vireo.model.rpc.BootFilesResult;
import io.vireo.model.DataCenter;
import io.vireo.model.Disk;
import io.vireo.model.Host;
import io.vireo.model.StorageDomain;
import io.vireo.model.Vm;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The engine's services wired as {@link Engine} wires them, on a fresh real PostgreSQL, without
 * servers, agents or loops: for tests of the rules of one service. Test-only shortcuts (a disk made
 * ready, a host made Up) write the rows directly, as an agent's report or a finished job would.
 */
public final class EngineFixture implements AutoCloseable {
    public final Database database = TestDatabase.fresh();
    public final Jdbi jdbi = database.jdbi();
    public final EventLog events = new EventLog(jdbi);
    public final JobService jobs = new JobService(jdbi, new JobRepository(jdbi));
    public final DataCenterService dataCenters = new DataCenterService(jdbi, events);
    public final StorageService storage = new StorageService(jdbi, dataCenters, jobs, events);
    public final HostService hosts;
    public final VmService vms;
    public final NeutronService neutron = new NeutronService(jdbi, dataCenters);
    public final NetworkService networks;
    public final DesktopService desktops;
    public final PermissionService permissions = new PermissionService(jdbi);
    public final PoolService pools;
    private final Path pki;

    public EngineFixture() {
        try {
            pki = Files.createTempDirectory("vireo-test-pki");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        new RoleService(jdbi).ensureBuiltIns();
        hosts = new HostService(jdbi, new HostRepository(jdbi), dataCenters, CertificateAuthority.loadOrCreate(pki), events,
                () -> "wss://127.0.0.1:1/agent", io.vireo.engine.hosts.DisplayAccess.defaults(),
                CertificateAuthority.HOST_CERTIFICATE_LIFETIME);
        networks = new NetworkService(jdbi, dataCenters, hosts, events, neutron);
        desktops = new DesktopService(jdbi, storage, networks, events);
        vms = new VmService(jdbi, new VmRepository(jdbi), dataCenters, storage, hosts, jobs, new PoolTemplates(jdbi), events);
        pools = new PoolService(jdbi, dataCenters, storage, vms, desktops, events, permissions);
    }

    public Cluster cluster(String name) {
        DataCenter dataCenter = dataCenters.createDataCenter(new DataCenter.Create(name + "-dc", null));
        return dataCenters.createCluster(new Cluster.Create(name, dataCenter.id(), null, null));
    }

    public StorageDomain storageDomain(Cluster cluster, String name) {
        return storage.createDomain(new StorageDomain.Create(name, cluster.dataCenterId(), "file", "/var/lib/vireo-test/" + name));
    }

    /** A disk whose image a host has made (its create job done). */
    public Disk readyDisk(StorageDomain domain, String name) {
        Disk disk = storage.createDisk(new Disk.Create(name, domain.id(), 1L << 30, "qcow2")).disk();
        jdbi.useHandle(h -> h.createUpdate("UPDATE disks SET status = 'OK' WHERE id = :id")
                .bind("id", UUID.fromString(disk.id())).execute());
        jdbi.useHandle(h -> h.createUpdate("UPDATE jobs SET status = 'DONE' WHERE target_id = :id")
                .bind("id", UUID.fromString(disk.id())).execute());
        return storage.disk(UUID.fromString(disk.id()));
    }

    /** A host whose agent enrolled and connected (Up). */
    public Host upHost(Cluster cluster, String name) {
        Host host = hosts.create(new Host.Create(name, "10.9.9." + (Math.abs(name.hashCode()) % 250 + 1), cluster.id())).host();
        jdbi.useHandle(h -> h.createUpdate("UPDATE hosts SET status = 'UP' WHERE id = :id")
                .bind("id", UUID.fromString(host.id())).execute());
        return hosts.host(UUID.fromString(host.id()));
    }

    public Vm vm(Cluster cluster, String name, Disk... disks) {
        List<String> diskIds = java.util.Arrays.stream(disks).map(Disk::id).toList();
        return vms.create(new Vm.Create(name, cluster.id(), 1, 128, diskIds, diskIds.isEmpty() ? kernel(cluster).id() : null,
                null, null, null, null, null));
    }

    private final java.util.Map<String, StorageDomain> bootDomains = new java.util.HashMap<>();

    /** The storage domain of the cluster's data center that holds the fixture's boot files (made on first use). */
    public StorageDomain bootDomain(Cluster cluster) {
        return bootDomains.computeIfAbsent(cluster.dataCenterId(),
                dc -> storageDomain(cluster, "boot-" + dc.substring(0, 8)));
    }

    /** Boot files of the cluster's data center, as if a host's scan had found them in the boot domain's directory. */
    public List<BootFile> bootFiles(Cluster cluster, String... names) {
        StorageDomain domain = bootDomain(cluster);
        List<BootFilesResult.Entry> entries = java.util.Arrays.stream(names).map(name -> new BootFilesResult.Entry(name, 1000)).toList();
        return storage.syncBootFiles(UUID.fromString(domain.id()), UUID.randomUUID(), "test-host", new BootFilesResult(entries, 0))
                .files();
    }

    /** A kernel boot file in the cluster's data center (the only boot file of the fixture's boot domain). */
    public BootFile kernel(Cluster cluster) {
        return bootFiles(cluster, "vmlinuz").getFirst();
    }

    /** Ends every open job as DONE (as if the runner had run them). */
    public void finishJobs() {
        jdbi.useHandle(h -> h.createUpdate("UPDATE jobs SET status = 'DONE' WHERE status IN ('PENDING', 'RUNNING')").execute());
    }

    /** A user (with a password hash nothing matches) as a principal in no group. */
    public Principal user(String name) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO users (id, name, password_hash) VALUES (:id, :name, 'none')")
                .bind("id", id).bind("name", name).execute());
        return new Principal(id, name, java.util.Set.of());
    }

    public int count(String table) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Integer.class).one());
    }

    @Override
    public void close() {
        database.close();
        try (var paths = Files.walk(pki)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
