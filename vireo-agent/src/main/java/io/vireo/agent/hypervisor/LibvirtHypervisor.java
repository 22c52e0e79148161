package io.vireo.agent.hypervisor;

import io.vireo.model.rpc.ConsoleLogResult;
import io.vireo.model.rpc.DiskAttachment;
import io.vireo.model.rpc.EnsureRunningResult;
import io.vireo.model.rpc.HostFacts;
import io.vireo.model.rpc.HostStats;
import io.vireo.model.rpc.KernelBoot;
import io.vireo.model.rpc.MigrationPolicy;
import io.vireo.model.rpc.MigrationProgress;
import io.vireo.model.rpc.MigrationResult;
import io.vireo.model.rpc.VmObservation;
import io.vireo.model.rpc.VmSpec;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.UUID;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The hypervisor through libvirt's C API (libvirt-java over JNA). VMs are transient domains:
 * the engine holds the desired state and sends the whole spec with every start, so nothing on the
 * host outlives a VM's run. A VM is found by its domain UUID, which is the Vireo VM id.
 */
public final class LibvirtHypervisor implements Hypervisor {
    private static final Logger log = LoggerFactory.getLogger(LibvirtHypervisor.class);
    /** Events tell within milliseconds; the poll only catches what events could not tell. */
    static final Duration SAFETY_NET_POLL = Duration.ofSeconds(2);
    static final Duration NIC_UNPLUG_TIMEOUT = Duration.ofSeconds(20);

    private final LibvirtHypervisorConfig config;
    private final ConsoleLogs consoleLogs;
    private final ProcHostFigures hostFigures;
    private final VmStateMonitor monitor;
    private final LifecycleListener lifecycleListener;
    private final LibvirtConnection connection;
    private final LibvirtMigrationDriver migrationDriver;
    private final OutgoingMigrations migrations;
    private final Map<UUID, Object> vmLocks = new ConcurrentHashMap<>();
    private final AtomicBoolean opened = new AtomicBoolean();
    private volatile String domainType;

    public LibvirtHypervisor(LibvirtHypervisorConfig config) {
        this.config = requireNonNull(config, "config");
        this.consoleLogs = new ConsoleLogs(config.consoleLogDir());
        this.hostFigures = new ProcHostFigures();
        this.monitor = new VmStateMonitor(new VmStateMonitor.Source() {
            @Override
            public List<VmObservation> listVms() {
                return LibvirtHypervisor.this.listVms();
            }

            @Override
            public Optional<VmObservation> findVm(UUID vmId) {
                return LibvirtHypervisor.this.findVm(vmId);
            }
        });
        this.lifecycleListener = this::lifecycleEvent;
        this.connection = new LibvirtConnection(config.uri(), config.callTimeout(), this::connectionOpened, this::connectionClosing);
        this.migrationDriver = new LibvirtMigrationDriver(connection, config.callTimeout());
        this.migrations = new OutgoingMigrations(migrationDriver, monitor);
        monitor.start(SAFETY_NET_POLL);
        prepareForIncomingMigrations();
    }

    /** A VM migrating in brings its console log path along, in a directory this host may never have needed. */
    private void prepareForIncomingMigrations() {
        try {
            consoleLogs.ensureDirectory();
        }
        catch (HypervisorException e) {
            log.warn("{}; VMs cannot migrate to this host until it exists", e.getMessage());
        }
    }

    @Override
    public HostFacts facts() {
        // Memory from /proc/meminfo, not libvirt's node info: that sums the NUMA nodes' meminfo, which
        // on the lab machines shows a fifth of the memory (hot-plugged memory is not counted there).
        return connection.call("reading the host's facts", c -> new HostFacts(c.getHostName(), domainType(c), c.nodeInfo().cpus,
                hostFigures.memoryTotalKib(), versionString(c.getLibVersion()), agentVersion()));
    }

    @Override
    public HostStats stats() {
        record Counts(int cpus, int runningVms) {
        }
        Counts counts = connection.call("counting the host's VMs", c -> new Counts(c.nodeInfo().cpus, c.numOfDomains()));
        return new HostStats(counts.cpus(), hostFigures.cpuLoadPercent(), hostFigures.memoryTotalKib(), hostFigures.memoryFreeKib(), counts.runningVms());
    }

    @Override
    public List<VmObservation> listVms() {
        return connection.call("listing VMs", LibvirtDomains::listActive);
    }

    @Override
    public Optional<VmObservation> findVm(UUID vmId) {
        requireVmId(vmId);
        return connection.call("looking up VM " + vmId, c -> LibvirtDomains.activeObservation(c, vmId));
    }

    @Override
    public EnsureRunningResult ensureRunning(VmSpec spec) {
        requireNonNull(spec, "spec");
        requireVmId(spec.id());
        synchronized (lockFor(spec.id())) {
            Optional<VmObservation> running = findVm(spec.id());
            if (running.isPresent()) {
                return new EnsureRunningResult(running.get(), true);
            }
            requireFilesExist(spec);
            String xml = domainXml(spec, bootPaths(spec.kernelBoot()));
            long started = System.nanoTime();
            EnsureRunningResult result = connection.call("starting VM " + spec.id() + " (" + spec.name() + ")",
                    c -> LibvirtDomains.create(c, spec.id(), xml));
            log.info("started VM {} ({}) in {} ms", spec.id(), spec.name(), (System.nanoTime() - started) / 1_000_000);
            return result;
        }
    }

    /** The checked real paths of the VM's boot files (null without kernel boot): see {@link BootFiles#resolve}. */
    private static DomainXml.BootPaths bootPaths(KernelBoot boot) {
        if (boot == null) {
            return null;
        }
        return new DomainXml.BootPaths(BootFiles.resolve("kernel", boot.kernel()).toString(),
                boot.initrd() == null ? null : BootFiles.resolve("initrd", boot.initrd()).toString(), boot.cmdline());
    }

    private String domainXml(VmSpec spec, DomainXml.BootPaths boot) {
        String type = connection.call("reading the host's capabilities", this::domainType);
        DomainXml.HostSettings settings = new DomainXml.HostSettings(
                type, consoleLogs.pathFor(spec.id()), config.vncListenAddress(), DiskCacheModes::cacheModeFor);
        String xml;
        try {
            xml = DomainXml.render(spec, boot, settings);
        }
        catch (IllegalArgumentException e) {
            throw new HypervisorException("VM " + spec.id() + " cannot start: " + e.getMessage(), e);
        }
        // Only once the spec is known good: a bad spec must not wipe the log of the last boot.
        consoleLogs.prepareFreshBoot(spec.id());
        return xml;
    }

    @Override
    public boolean ensureStopped(UUID vmId) {
        requireVmId(vmId);
        synchronized (lockFor(vmId)) {
            return connection.call("stopping VM " + vmId, c -> LibvirtDomains.onActive(c, vmId, Domain::destroy));
        }
    }

    @Override
    public boolean requestShutdown(UUID vmId) {
        requireVmId(vmId);
        return connection.call("shutting VM " + vmId + " down", c -> LibvirtDomains.onActive(c, vmId, Domain::shutdown));
    }

    @Override
    public void reboot(UUID vmId) {
        requireVmId(vmId);
        // Flags 0: libvirt picks the guest's way (ACPI); a hung guest needs ensureStopped, then ensureRunning.
        if (!connection.call("rebooting VM " + vmId, c -> LibvirtDomains.onActive(c, vmId, domain -> domain.reboot(0)))) {
            throw HypervisorException.noSuchVm(vmId);
        }
    }

    @Override
    public void setConsolePassword(UUID vmId, String password, java.time.Instant validTo, boolean disconnect) {
        requireVmId(vmId);
        requireNonNull(password, "password");
        String until = java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                validTo.atOffset(java.time.ZoneOffset.UTC).toLocalDateTime().withNano(0));
        boolean found = connection.call("setting the console password of VM " + vmId, c -> LibvirtDomains.onActive(c, vmId,
                domain -> {
                    // 1 = VIR_DOMAIN_XML_SECURE, so the graphics element is complete; 1 = VIR_DOMAIN_AFFECT_LIVE
                    for (String device : LiveDisplays.graphicsWithPassword(domain.getXMLDesc(1), password, until, disconnect)) {
                        domain.updateDeviceFlags(device, 1);
                    }
                }));
        if (!found) {
            throw HypervisorException.noSuchVm(vmId);
        }
    }

    /** 1 = VIR_DOMAIN_AFFECT_LIVE, 2 = VIR_DOMAIN_AFFECT_CONFIG (only for a domain with a persistent definition). */
    private static int liveAndPersistent(Domain domain) throws LibvirtException {
        return 1 | (domain.isPersistent() == 1 ? 2 : 0);
    }

    @Override
    public boolean ensureNicPlugged(UUID vmId, io.vireo.model.rpc.VmNicSpec nic) {
        requireVmId(vmId);
        requireNonNull(nic, "nic");
        String device;
        try {
            device = DomainXml.interfaceXml(nic);
        }
        catch (IllegalArgumentException e) {
            throw new HypervisorException("the NIC cannot be plugged into VM " + vmId + ": " + e.getMessage(), e);
        }
        synchronized (lockFor(vmId)) {
            java.util.concurrent.atomic.AtomicBoolean plugged = new java.util.concurrent.atomic.AtomicBoolean();
            boolean found = connection.call("plugging NIC " + nic.mac() + " into VM " + vmId, c -> LibvirtDomains.onActive(c, vmId,
                    domain -> {
                        if (LiveNics.interfaceWithMac(domain.getXMLDesc(0), nic.mac()).isEmpty()) {
                            domain.attachDeviceFlags(device, liveAndPersistent(domain));
                            plugged.set(true);
                        }
                    }));
            if (!found) {
                throw HypervisorException.noSuchVm(vmId);
            }
            log.info("VM {}: NIC {} on {} {}", vmId, nic.mac(), nic.bridge(), plugged.get() ? "plugged" : "was plugged already");
            return plugged.get();
        }
    }

    @Override
    public boolean ensureNicUnplugged(UUID vmId, String mac) {
        requireVmId(vmId);
        requireNonNull(mac, "mac");
        synchronized (lockFor(vmId)) {
            java.util.concurrent.atomic.AtomicBoolean asked = new java.util.concurrent.atomic.AtomicBoolean();
            boolean found = connection.call("unplugging NIC " + mac + " from VM " + vmId, c -> LibvirtDomains.onActive(c, vmId,
                    domain -> {
                        Optional<String> device = LiveNics.interfaceWithMac(domain.getXMLDesc(0), mac);
                        if (device.isPresent()) {
                            // asynchronous in QEMU: the guest's driver acknowledges, libvirt drops the device then
                            domain.detachDeviceFlags(device.get(), liveAndPersistent(domain));
                            asked.set(true);
                        }
                    }));
            if (!found) {
                throw HypervisorException.noSuchVm(vmId);
            }
            if (!asked.get()) {
                return false;
            }
            awaitUnplugged(vmId, mac);
            log.info("VM {}: NIC {} unplugged", vmId, mac);
            return true;
        }
    }

    /** The guest has 20 s to release the device (libvirt itself waits 5 s, then lets QEMU finish later). */
    private void awaitUnplugged(UUID vmId, String mac) {
        long deadline = System.nanoTime() + NIC_UNPLUG_TIMEOUT.toNanos();
        while (true) {
            java.util.concurrent.atomic.AtomicBoolean present = new java.util.concurrent.atomic.AtomicBoolean();
            boolean running = connection.call("reading the NICs of VM " + vmId, c -> LibvirtDomains.onActive(c, vmId,
                    domain -> present.set(LiveNics.interfaceWithMac(domain.getXMLDesc(0), mac).isPresent())));
            if (!running || !present.get()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new HypervisorException("the guest of VM " + vmId + " did not release NIC " + mac + " within "
                        + NIC_UNPLUG_TIMEOUT.toSeconds() + " s (its driver must acknowledge an unplug); it is still plugged", null);
            }
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HypervisorException("interrupted while VM " + vmId + " released NIC " + mac, e);
            }
        }
    }

    @Override
    public boolean setNicLink(UUID vmId, String mac, boolean up) {
        requireVmId(vmId);
        requireNonNull(mac, "mac");
        synchronized (lockFor(vmId)) {
            java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicBoolean hasNic = new java.util.concurrent.atomic.AtomicBoolean();
            boolean found = connection.call("setting the link of NIC " + mac + " of VM " + vmId, c -> LibvirtDomains.onActive(c, vmId,
                    domain -> {
                        String xml = domain.getXMLDesc(0);
                        Optional<Boolean> linkUp = LiveNics.linkUp(xml, mac);
                        hasNic.set(linkUp.isPresent());
                        if (linkUp.isPresent() && linkUp.get() != up) {
                            domain.updateDeviceFlags(LiveNics.withLinkState(xml, mac, up).orElseThrow(), liveAndPersistent(domain));
                            changed.set(true);
                        }
                    }));
            if (!found) {
                throw HypervisorException.noSuchVm(vmId);
            }
            if (!hasNic.get()) {
                throw new HypervisorException("VM " + vmId + " has no NIC " + mac, null);
            }
            return changed.get();
        }
    }

    @Override
    public void reset(UUID vmId) {
        requireVmId(vmId);
        if (!connection.call("resetting VM " + vmId, c -> LibvirtDomains.onActive(c, vmId, domain -> domain.reset()))) {
            throw HypervisorException.noSuchVm(vmId);
        }
    }

    @Override
    public VmObservation ensurePaused(UUID vmId) {
        requireVmId(vmId);
        synchronized (lockFor(vmId)) {
            return connection.call("pausing VM " + vmId, c -> LibvirtDomains.changeRunState(c, vmId, true));
        }
    }

    @Override
    public VmObservation ensureResumed(UUID vmId) {
        requireVmId(vmId);
        synchronized (lockFor(vmId)) {
            return connection.call("resuming VM " + vmId, c -> LibvirtDomains.changeRunState(c, vmId, false));
        }
    }

    @Override
    public ConsoleLogResult readConsoleLog(UUID vmId, long offset) {
        requireVmId(vmId);
        return consoleLogs.read(vmId, offset);
    }

    @Override
    public MigrationResult migrate(UUID vmId, String destinationUri, MigrationPolicy policy, Consumer<MigrationProgress> progress) {
        requireVmId(vmId);
        return migrations.migrate(vmId, destinationUri, policy, progress);
    }

    @Override
    public boolean cancelMigration(UUID vmId) {
        requireVmId(vmId);
        return migrations.cancel(vmId);
    }

    @Override
    public Optional<MigrationProgress> migrationStatus(UUID vmId) {
        requireVmId(vmId);
        return migrations.status(vmId);
    }

    @Override
    public void onStateChange(StateChangeListener listener) {
        monitor.addListener(listener);
    }

    @Override
    public void close() {
        monitor.close();
        migrationDriver.close();
        connection.close();
    }

    private String domainType(Connect c) throws LibvirtException {
        String type = domainType;
        if (type == null) {
            DomainTypeDetector.Decision decision = new DomainTypeDetector().decide(config.domainType(), c.getCapabilities());
            log.info("guests run with libvirt domain type {}: {}", decision.domainType(), decision.reason());
            type = decision.domainType();
            domainType = type;
        }
        return type;
    }

    private void connectionOpened(Connect c) {
        try {
            c.addLifecycleListener(lifecycleListener);
        }
        catch (LibvirtException e) {
            log.warn("no libvirt lifecycle events on {} ({}); VM state changes are seen by polling only", config.uri(), e.getMessage());
        }
        if (!opened.compareAndSet(false, true)) {
            // Whatever happened while disconnected came with no event.
            monitor.resync();
        }
    }

    private void connectionClosing(Connect c) {
        try {
            c.removeLifecycleListener(lifecycleListener);
        }
        catch (LibvirtException | RuntimeException e) {
            log.debug("cannot deregister the lifecycle listener: {}", e.getMessage());
        }
    }

    /** On libvirt's event thread: only local calls here, the rest happens on the monitor's thread. */
    private int lifecycleEvent(Domain domain, DomainEvent event) {
        try {
            monitor.eventReceived(UUID.fromString(domain.getUUIDString()), domain.getName(), DomainObservations.stateAfter(event));
        }
        catch (LibvirtException | RuntimeException e) {
            log.warn("cannot handle libvirt event {}: {}", event, e.getMessage());
        }
        finally {
            LibvirtDomains.free(domain);
        }
        return 0;
    }

    private void requireFilesExist(VmSpec spec) {
        for (DiskAttachment disk : spec.disks()) {
            requireFile("disk image of disk " + disk.diskId(), disk.path());
        }
    }

    private static void requireFile(String what, String path) {
        if (!Files.isRegularFile(Path.of(path))) {
            throw new HypervisorException("the " + what + " does not exist: " + path, null);
        }
    }

    private static void requireVmId(UUID vmId) {
        requireNonNull(vmId, "vmId");
    }

    private Object lockFor(UUID vmId) {
        return vmLocks.computeIfAbsent(vmId, id -> new Object());
    }

    static String versionString(long version) {
        return (version / 1_000_000) + "." + (version / 1_000 % 1_000) + "." + (version % 1_000);
    }

    private static String agentVersion() {
        String version = LibvirtHypervisor.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
