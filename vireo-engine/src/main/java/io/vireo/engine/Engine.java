package io.vireo.engine;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vireo.engine.affinity.AffinityGroupResource;
import io.vireo.engine.affinity.AffinityGroupService;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.console.ConsoleAccessWatch;
import io.vireo.engine.console.ConsoleResource;
import io.vireo.engine.console.ConsoleTickets;
import io.vireo.engine.console.DisplayTls;
import io.vireo.engine.auth.AccessResource;
import io.vireo.engine.auth.AuthResource;
import io.vireo.engine.auth.GrantService;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.auth.RoleService;
import io.vireo.engine.auth.UserDirectory;
import io.vireo.engine.auth.AuthService;
import io.vireo.engine.auth.PasswordHasher;
import io.vireo.engine.datacenters.DataCenterResource;
import io.vireo.engine.datacenters.DataCenterService;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.events.EventResource;
import io.vireo.model.ObjectType;
import io.vireo.engine.hostlink.AgentCallRelay;
import io.vireo.engine.hostlink.AgentCallRelayWorker;
import io.vireo.engine.hostlink.AgentCallRepository;
import io.vireo.engine.hostlink.AgentGateway;
import io.vireo.engine.hostlink.AgentLinkServer;
import io.vireo.engine.hostlink.CertificateAuthority;
import io.vireo.engine.identity.IdentityResource;
import io.vireo.engine.identity.IdentityService;
import io.vireo.engine.neutron.NeutronResource;
import io.vireo.engine.neutron.NeutronService;
import io.vireo.engine.hosts.HostMonitor;
import io.vireo.engine.hosts.HostRepository;
import io.vireo.engine.hosts.HostResource;
import io.vireo.engine.hosts.HostService;
import io.vireo.engine.jobs.JobHandler;
import io.vireo.engine.jobs.JobRepository;
import io.vireo.engine.jobs.JobResource;
import io.vireo.engine.jobs.JobRunner;
import io.vireo.engine.jobs.StateChanges;
import io.vireo.engine.leadership.LeadershipLease;
import io.vireo.engine.metrics.InventoryGauges;
import io.vireo.engine.metrics.MetricsResource;
import io.vireo.engine.metrics.MetricsToken;
import io.vireo.engine.migration.BalancerLoop;
import io.vireo.engine.pools.DesktopJobs;
import io.vireo.engine.pools.PoolMonitor;
import io.vireo.engine.pools.PoolResource;
import io.vireo.engine.pools.PoolService;
import io.vireo.engine.migration.DeactivateHostJob;
import io.vireo.engine.migration.HostMaintenance;
import io.vireo.engine.migration.MigrateVmJob;
import io.vireo.engine.migration.MigrationService;
import io.vireo.engine.scheduling.Balancer;
import io.vireo.engine.placement.ClusterSnapshotReader;
import io.vireo.engine.placement.VmPlacement;
import io.vireo.engine.scheduling.PolicyParameters;
import io.vireo.engine.jobs.JobService;
import io.vireo.engine.migration.MigrationResource;
import io.vireo.engine.pools.PoolTemplates;
import io.vireo.engine.vms.DesktopService;
import io.vireo.model.HostStatus;
import io.vireo.engine.scheduling.Scheduler;
import io.vireo.engine.scheduling.SchedulingPolicy;
import io.vireo.engine.storage.BootFileScanner;
import io.vireo.engine.storage.DiskJobs;
import io.vireo.engine.storage.StorageResource;
import io.vireo.engine.storage.StorageService;
import io.vireo.engine.store.Database;
import io.vireo.engine.store.ManagedPostgres;
import io.vireo.engine.vms.VmJobs;
import io.vireo.engine.vms.VmMonitor;
import io.vireo.engine.vms.VmRepository;
import io.vireo.engine.vms.VmResource;
import io.vireo.engine.vms.VmService;
import io.vireo.engine.vms.VmSpecs;
import io.vireo.engine.vms.VmNics;
import io.vireo.engine.networks.NetworkConvergence;
import io.vireo.engine.networks.NetworkResource;
import io.vireo.engine.networks.NetworkService;
import io.vireo.engine.networks.OverlayConvergence;
import io.vireo.engine.networks.OverlaySnapshots;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** One engine process, wired by hand: storage, services, leadership, loops and the two servers. */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    public static final String VERSION = "0.1.0";
    private static final java.time.Duration AGENT_RECONNECT_GRACE = java.time.Duration.ofSeconds(20);
    /** Waiting job steps are woken by the monitors; this only catches a change no monitor of this engine signalled. */
    private static final Duration STATE_SAFETY_TICK = Duration.ofSeconds(5);
    /** How often the leader compares the networks hosts must carry with what they report (agents report every few seconds). */
    private static final Duration NETWORK_CONVERGENCE_INTERVAL = Duration.ofSeconds(2);

    private final EngineConfig config;
    private final Deque<AutoCloseable> closeables = new ConcurrentLinkedDeque<>();
    private ApiServer api;
    private AgentLinkServer agentLink;
    private HostService hostService;
    private DataCenterService dataCenterService;
    private StorageService storageService;
    private BootFileScanner bootFileScanner;
    private Optional<String> generatedAdminPassword = Optional.empty();
    private String advertisedAddress;
    private String caFingerprint;

    public Engine(EngineConfig config) {
        this.config = requireNonNull(config, "config");
    }

    public void start() {
        try {
            Files.createDirectories(config.dataDirectory());
            Database database = openDatabase();
            Jdbi jdbi = database.jdbi();
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            EventLog events = new EventLog(jdbi);
            String instanceId = instanceId();
            LeadershipLease leadership = new LeadershipLease(jdbi, instanceId, Duration.ofSeconds(10));
            closeables.push(leadership);
            Gauge.builder("vireo_engine_leader", leadership, lease -> lease.isLeader() ? 1 : 0)
                    .description("1 while this engine instance leads (runs the control loops and holds the agents)")
                    .register(metrics);
            PasswordHasher hasher = new PasswordHasher();
            AuthService auth = new AuthService(jdbi, hasher, Clock.systemUTC(), config.loginLimits());
            RoleService roles = new RoleService(jdbi);
            roles.ensureBuiltIns();
            generatedAdminPassword = auth.ensureAdmin(config.adminPassword());
            PermissionService permissions = new PermissionService(jdbi);
            UserDirectory directory = new UserDirectory(jdbi, hasher, events);
            CertificateAuthority authority = CertificateAuthority.loadOrCreate(config.dataDirectory().resolve("pki"));
            caFingerprint = authority.fingerprint();
            advertisedAddress = config.advertisedAddress().orElseGet(NetworkAddresses::firstNonLoopback);

            JobRepository jobRepository = new JobRepository(jdbi);
            JobService jobs = new JobService(jdbi, jobRepository);
            StateChanges changes = new StateChanges(Clock.systemUTC(), STATE_SAFETY_TICK);
            DataCenterService dataCenters = new DataCenterService(jdbi, events);
            HostRepository hostRepository = new HostRepository(jdbi);
            AgentGateway gateway = new AgentGateway(leadership);
            AgentCallRepository relayedCalls = new AgentCallRepository(jdbi);
            AgentCallRelay relay = new AgentCallRelay(database, relayedCalls, instanceId, AgentCallRelay.LEADER_ALLOWANCE,
                    metrics);
            closeables.push(relay);
            gateway.whenNotLeading(relay);
            AgentCallRelayWorker relayWorker = new AgentCallRelayWorker(database, relayedCalls, leadership::epoch,
                    gateway::callHere, instanceId);
            closeables.push(relayWorker);
            StorageService storage = new StorageService(jdbi, dataCenters, jobs, events);
            dataCenterService = dataCenters;
            storageService = storage;
            VmRepository vmRepository = new VmRepository(jdbi);
            hostService = new HostService(jdbi, hostRepository, dataCenters, authority, events, this::agentEndpoint,
                    config.displays(), config.tls().hostCertificateLifetime());
            VmMonitor vmMonitor = new VmMonitor(jdbi, vmRepository, hostService, events, changes);
            VmService vms = new VmService(jdbi, vmRepository, dataCenters, storage, hostService, jobs, new PoolTemplates(jdbi),
                    events);
            NeutronService neutron = new NeutronService(jdbi, dataCenters);
            NetworkService networks = new NetworkService(jdbi, dataCenters, hostService, events, neutron);
            OverlaySnapshots overlaySnapshots = new OverlaySnapshots(neutron, networks, hostService, () -> {
                Map<UUID, OverlaySnapshots.VmLocation> where = new HashMap<>();
                vms.placed().forEach(p -> where.put(p[0], new OverlaySnapshots.VmLocation(p[1], p[2])));
                return where;
            }, Clock.systemUTC());
            OverlayConvergence overlays = new OverlayConvergence(overlaySnapshots, overlaySnapshots, gateway, leadership,
                    Clock.systemUTC(), NETWORK_CONVERGENCE_INTERVAL);
            closeables.push(overlays);
            DesktopService desktops = new DesktopService(jdbi, storage, networks, events);
            NetworkConvergence networkConvergence = new NetworkConvergence(networks, hostService, gateway, leadership,
                    Clock.systemUTC(), NETWORK_CONVERGENCE_INTERVAL);
            closeables.push(networkConvergence);

            AffinityGroupService affinityGroups = new AffinityGroupService(jdbi, dataCenters, events,
                    (h, id) -> vms.find(h, id).map(vm -> UUID.fromString(vm.clusterId())),
                    (h, id) -> hostService.find(h, id).map(host -> UUID.fromString(host.clusterId())));
            ClusterSnapshotReader snapshots = new ClusterSnapshotReader(jdbi, dataCenters, hostService, vms, storage,
                    affinityGroups, networks, gateway::isConnected);
            Scheduler scheduler = new Scheduler();
            VmPlacement placement = new VmPlacement(snapshots, scheduler);
            MigrationService migrations = new MigrationService(jdbi, vms, hostService, dataCenters, placement, gateway, jobs,
                    events, changes, overlays::prepare);
            HostMonitor hostMonitor = new HostMonitor(jdbi, hostRepository, hostService, gateway, List.of(vmMonitor, migrations, networkConvergence, overlays), events,
                    leadership, config.hostNonResponsiveAfter());
            closeables.push(hostMonitor);
            HostMaintenance maintenance = new HostMaintenance(jdbi, hostService, vms, jobs, events);
            List<JobHandler<?, ?>> handlers = new ArrayList<>();
            handlers.addAll(new VmJobs(jdbi, vmRepository, new VmSpecs(jdbi, storage, networks, overlays::prepare), placement, vmMonitor, gateway,
                    events).handlers());
            handlers.add(new MigrateVmJob(migrations));
            DiskJobs diskJobs = new DiskJobs(jdbi, storage, hostService, gateway, events);
            handlers.addAll(diskJobs.handlers());
            handlers.addAll(new DesktopJobs(jdbi, diskJobs, storage, desktops, gateway, events).handlers());
            PoolService pools = new PoolService(jdbi, dataCenters, storage, vms, desktops, events, permissions);
            PoolMonitor poolMonitor = new PoolMonitor(jdbi, vms, desktops, storage, dataCenters, jobs, leadership, events,
                    permissions, directory);
            closeables.push(poolMonitor);
            handlers.add(new DeactivateHostJob(jdbi, hostService, vms, migrations, events));
            JobRunner runner = new JobRunner(database, jobRepository, leadership, events, changes, handlers);
            java.time.Instant startedAt = java.time.Instant.now();
            runner.readyWhen(() -> java.time.Duration.between(startedAt, java.time.Instant.now()).compareTo(AGENT_RECONNECT_GRACE) > 0
                    || hostService.withStatus(HostStatus.UP).stream().allMatch(host -> gateway.isConnected(UUID.fromString(host.id()))));
            closeables.push(runner);

            BalancerLoop balancerLoop = new BalancerLoop(jdbi, snapshots, new Balancer(scheduler), dataCenters, vms, jobs,
                    leadership, events, config.balanceInterval());
            closeables.push(balancerLoop);
            InventoryGauges gauges = new InventoryGauges(hostService::countByStatus, vms::countByStatus, metrics);
            closeables.push(gauges);

            ConsoleTickets consoleTickets = new ConsoleTickets(jdbi, vms, hostService, gateway, events);
            ConsoleAccessWatch consoleAccess = new ConsoleAccessWatch(permissions, consoleTickets, events, Clock.systemUTC());
            closeables.push(consoleAccess);
            EngineConfig.Pruning pruning = config.pruning();
            Pruner pruner = new Pruner(leadership::isLeader, Clock.systemUTC(), pruning.interval(), List.of(
                    new Pruner.Task("events", now -> events.prune(now, pruning.events())),
                    new Pruner.Task("finished jobs", now -> jobs.pruneFinished(now, pruning.finishedJobs())),
                    new Pruner.Task("expired access tokens", now -> auth.pruneExpiredTokens(now, pruning.expired())),
                    new Pruner.Task("expired console tickets", now -> consoleTickets.pruneExpired(now, pruning.expired()))));
            closeables.push(pruner);

            char[] keyPassword = UUID.randomUUID().toString().toCharArray();
            ServerCertificates.Names names = ServerCertificates.names(config, advertisedAddress);
            KeyStore signedServerKeys = ServerCertificates.signed(authority, names, keyPassword, false);
            KeyStore agentServerKeys = ServerCertificates.signed(authority, names, keyPassword, true);
            Optional<ApiServer.Tls> apiTls = apiTls(signedServerKeys, keyPassword);
            agentLink = new AgentLinkServer(config.listenAddress(), config.agentPort(), agentServerKeys,
                    keyPassword, authority.trustStore(), hostService::acceptsCertificate, hostMonitor);
            closeables.push(agentLink);
            bootFileScanner = new BootFileScanner(storage, hostService, gateway);
            IdentityService identity = new IdentityService(auth, directory, permissions, List.of(NeutronResource.CATALOG),
                    this::publicUrl);
            NeutronResource neutronResource = new NeutronResource(neutron, identity, permissions, this::publicUrl);
            List<Consumer<RouteTable>> resources = new ArrayList<>(List.of(
                    new AuthResource(auth),
                    new AccessResource(directory, roles, new GrantService(jdbi, permissions, roles, directory, events), permissions),
                    new DataCenterResource(dataCenters, permissions),
                    new HostResource(hostService, permissions),
                    new StorageResource(storage, jobs, permissions, bootFileScanner, dataCenters),
                    new VmResource(vms, new VmNics(jdbi, vms, dataCenters, networks, gateway), jobs, gateway, permissions),
                    new NetworkResource(networks, permissions),
                    new MigrationResource(migrations, maintenance, vms, jobs, permissions),
                    new JobResource(jobRepository, permissions),
                    new EventResource(events, principal -> new EventLog.Audience(
                            permissions.viewable(principal, ObjectType.VM), permissions.viewable(principal, ObjectType.HOST))),
                    new AffinityGroupResource(affinityGroups, permissions),
                    new PoolResource(pools, poolMonitor, permissions),
                    new ConsoleResource(consoleTickets, DisplayTls.of(authority), config.spiceProxy(), permissions, consoleAccess),
                    // the features that serve OpenStack APIs (Neutron, Cinder) go in the list: their catalog entries
                    new IdentityResource(identity), neutronResource));
            if (config.metrics().enabled()) {
                resources.add(new MetricsResource(metrics, config.metrics().tokenFile().map(MetricsToken::read)
                        .orElseGet(() -> MetricsToken.readOrCreate(config.dataDirectory().resolve("metrics-token")))));
            }
            api = new ApiServer(config.listenAddress(), config.apiPort(), auth::principalForToken, metrics, resources, VERSION, apiTls);
            closeables.push(api);
            CertificateExpiryWatch expiry = new CertificateExpiryWatch(events, List.of(
                    new CertificateExpiryWatch.Watched("certificate authority", authority.certificate(),
                            "stop the engine, run 'vireo ca rotate --data-dir " + config.dataDirectory() + "' and start it "
                                    + "again; hosts renew their certificates by themselves, none needs enrolling again"),
                    new CertificateExpiryWatch.Watched("HTTPS certificate", ServerCertificates.leaf(apiTls
                                    .map(ApiServer.Tls::keyStore).orElse(signedServerKeys)),
                            config.tls().certificateFile().isPresent()
                                    ? "replace " + config.tls().certificateFile().get() + " and restart the engine"
                                    : "restart the engine, which makes a new one at each start"),
                    new CertificateExpiryWatch.Watched("agent endpoint certificate", ServerCertificates.leaf(agentServerKeys),
                            "restart the engine, which makes a new one at each start")), Clock.systemUTC());
            closeables.push(expiry);

            leadership.start();
            relay.start();
            relayWorker.start();
            agentLink.start();
            api.start();
            runner.start();
            hostMonitor.start();
            gauges.start();
            balancerLoop.start();
            networkConvergence.start();
            overlays.start();
            poolMonitor.start();
            pruner.start();
            consoleAccess.start(database);
            expiry.start();
            log.info("Vireo engine {} is up: API {}/api, agents dial {}; its CA's SHA-256 fingerprint is {}", VERSION,
                    apiUrl(), agentEndpoint(), caFingerprint);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Database openDatabase() {
        if (config.databaseUrl().isPresent()) {
            Database database = new Database(config.databaseUrl().get(), config.databaseUser().orElse(null),
                    config.databasePassword().orElse(null));
            closeables.push(database);
            return database;
        }
        ManagedPostgres postgres = ManagedPostgres.start(config.dataDirectory().resolve("postgres"));
        closeables.push(postgres);
        Database database = new Database(postgres.jdbcUrl(), postgres.user(), postgres.password().orElse(null));
        closeables.push(database);
        return database;
    }

    private String instanceId() throws IOException {
        Path file = config.dataDirectory().resolve("instance-id");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        String id = UUID.randomUUID().toString();
        Files.writeString(file, id);
        return id;
    }

    public String agentEndpoint() {
        return "wss://" + NetworkAddresses.hostPort(advertisedAddress, agentLink == null ? config.agentPort() : agentLink.port())
                + "/agent";
    }

    /** HTTPS with the administrator's certificate or one the engine's CA signs; plain HTTP only when asked. */
    private Optional<ApiServer.Tls> apiTls(KeyStore signedServerKeys, char[] keyPassword) {
        EngineConfig.Tls tls = config.tls();
        if (tls.insecureHttp()) {
            log.warn("The API, the portals and the consoles are served over plain HTTP (--insecure-http): passwords, "
                    + "tokens and console tickets cross the network readable unless a TLS proxy stands in front");
            return Optional.empty();
        }
        if (tls.certificateFile().isPresent()) {
            char[] password = UUID.randomUUID().toString().toCharArray();
            return Optional.of(new ApiServer.Tls(ServerCertificates.fromPemFiles(tls.certificateFile().get(),
                    tls.keyFile().orElseThrow(), password), password));
        }
        return Optional.of(new ApiServer.Tls(signedServerKeys, keyPassword));
    }

    public String apiUrl() {
        return config.tls().scheme() + "://" + NetworkAddresses.hostPort(advertisedAddress, api.port());
    }

    /**
     * The URL clients reach the API at, for links the engine hands out (OpenStack's version documents and
     * catalog): the first --public-name if there is one, else the advertised address, with the API's port.
     */
    public String publicUrl() {
        List<String> publicNames = config.tls().publicNames();
        return config.tls().scheme() + "://" + NetworkAddresses.hostPort(publicNames.isEmpty() ? advertisedAddress
                : publicNames.getFirst(), api.port());
    }

    /** The SHA-256 fingerprint of the engine's CA: what agents and the CLI check before trusting the engine. */
    public String caFingerprint() {
        return caFingerprint;
    }

    public int apiPort() {
        return api.port();
    }

    public DataCenterService dataCenters() {
        return dataCenterService;
    }

    public StorageService storage() {
        return storageService;
    }

    public HostService hosts() {
        return hostService;
    }

    /** Scans a storage domain's boot-files directory through one of its hosts (the all-in-one does at start). */
    public BootFileScanner bootFiles() {
        return bootFileScanner;
    }

    /** The admin password if this start created the admin user with a generated one. */
    public Optional<String> generatedAdminPassword() {
        return generatedAdminPassword;
    }

    @Override
    public void close() {
        AutoCloseable next;
        while ((next = closeables.poll()) != null) {
            try {
                next.close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", next.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
