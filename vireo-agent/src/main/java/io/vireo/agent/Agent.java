package io.vireo.agent;

import io.vireo.agent.commands.DiskEnsureCreatedCommand;
import io.vireo.agent.commands.DiskEnsureDeletedCommand;
import io.vireo.agent.commands.HostHelloCommand;
import io.vireo.agent.commands.HostInstallCertificateCommand;
import io.vireo.agent.commands.HostRenewCertificateCommand;
import io.vireo.agent.commands.VmCancelMigrationCommand;
import io.vireo.agent.commands.VmEnsurePausedCommand;
import io.vireo.agent.commands.VmEnsureResumedCommand;
import io.vireo.agent.commands.VmEnsureRunningCommand;
import io.vireo.agent.commands.VmEnsureStoppedCommand;
import io.vireo.agent.commands.VmListCommand;
import io.vireo.agent.commands.VmMigrateCommand;
import io.vireo.agent.commands.VmMigrationStatusCommand;
import io.vireo.agent.commands.VmReadConsoleLogCommand;
import io.vireo.agent.commands.VmRebootCommand;
import io.vireo.agent.commands.VmRequestShutdownCommand;
import io.vireo.agent.enrollment.AgentIdentity;
import io.vireo.agent.enrollment.CertificateRenewal;
import io.vireo.agent.hypervisor.DiskImages;
import io.vireo.agent.hypervisor.Hypervisor;
import io.vireo.agent.hypervisor.HypervisorException;
import io.vireo.agent.rpc.AgentCommand;
import io.vireo.agent.rpc.CommandDispatcher;
import io.vireo.agent.rpc.EngineLink;
import io.vireo.agent.rpc.EpochGuard;
import io.vireo.model.rpc.AgentEvent;
import io.vireo.model.rpc.HostStatsReport;
import io.vireo.model.rpc.HostNic;
import io.vireo.agent.commands.NetworkEnsureBridgedCommand;
import io.vireo.agent.commands.NetworkEnsureRemovedCommand;
import io.vireo.agent.commands.OverlayConvergeCommand;
import io.vireo.agent.network.Overlays;
import io.vireo.agent.network.ProcessHostCommands;
import io.vireo.agent.network.Bridges;
import io.vireo.agent.network.IpLinks;
import io.vireo.agent.network.NetworkException;
import io.vireo.model.rpc.NoParams;
import io.vireo.model.rpc.VmStateChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/** One host agent, wired by hand: identity, hypervisor, commands, the link to the engine and its reports. */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final AgentIdentity identity;
    private final Hypervisor hypervisor;
    private final DiskImages diskImages;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2,
            Thread.ofPlatform().name("agent-reports").daemon().factory());
    private final CertificateRenewal renewal;
    private final Bridges bridges;
    private final io.vireo.agent.enrollment.LibvirtPki libvirtPki;
    private EngineLink link;
    /**
     * Numbers every report of VM state (events, full lists, command answers) in the order this agent
     * made them, so the engine can tell a stale full list from a newer event that crossed it.
     */
    private final java.util.concurrent.atomic.AtomicLong observations = new java.util.concurrent.atomic.AtomicLong();

    public Agent(AgentConfig config, AgentIdentity identity, Hypervisor hypervisor, DiskImages diskImages) {
        this.config = requireNonNull(config, "config");
        this.identity = requireNonNull(identity, "identity");
        this.hypervisor = requireNonNull(hypervisor, "hypervisor");
        this.diskImages = requireNonNull(diskImages, "diskImages");
        this.libvirtPki = config.libvirtPki();
        this.bridges = new Bridges(new IpLinks(), io.vireo.agent.network.EngineProbe.tcp(() -> URI.create(identity.endpoint())));
        this.renewal = new CertificateRenewal(identity, config.stateDirectory(), java.time.Clock.systemUTC(), this::handToLibvirt);
    }

    /** libvirtd and QEMU present and check the host's certificate too: their copy follows each renewal. */
    private void handToLibvirt(AgentIdentity current) {
        try {
            if (libvirtPki.write(current)) {
                libvirtPki.reload(config.libvirtUri());
            }
        } catch (java.io.IOException e) {
            log.warn("Cannot write the host's certificate for libvirt in {}: {}; migrations to and from this host "
                    + "fail until it is written", libvirtPki.directory(), e.getMessage());
        }
    }

    public void start() {
        handToLibvirt(renewal.identity());
        EpochGuard epochs = new EpochGuard(config.stateDirectory().resolve("epoch"));
        List<AgentCommand<?, ?>> commands = List.of(
                new HostHelloCommand(hypervisor, observations::incrementAndGet, this::hostNics),
                new VmListCommand(hypervisor),
                new VmEnsureRunningCommand(hypervisor, () -> { }),
                new VmEnsureStoppedCommand(hypervisor),
                new VmRequestShutdownCommand(hypervisor),
                new VmRebootCommand(hypervisor),
                new VmEnsurePausedCommand(hypervisor),
                new VmEnsureResumedCommand(hypervisor),
                new VmReadConsoleLogCommand(hypervisor),
                new io.vireo.agent.commands.VmSetConsolePasswordCommand(hypervisor),
                new io.vireo.agent.commands.VmEnsureNicPluggedCommand(hypervisor),
                new io.vireo.agent.commands.VmEnsureNicUnpluggedCommand(hypervisor),
                new io.vireo.agent.commands.VmSetNicLinkCommand(hypervisor),
                new VmMigrateCommand(hypervisor, progress -> link.notify(AgentEvent.MIGRATION_PROGRESS, progress),
                        libvirtPki::clientUri),
                new VmCancelMigrationCommand(hypervisor),
                new VmMigrationStatusCommand(hypervisor),
                new DiskEnsureCreatedCommand(diskImages),
                new DiskEnsureDeletedCommand(diskImages),
                new io.vireo.agent.commands.StorageListBootFilesCommand(),
                new HostRenewCertificateCommand(renewal, request -> link.notify(AgentEvent.CERTIFICATE_REQUEST, request)),
                new HostInstallCertificateCommand(renewal),
                new NetworkEnsureBridgedCommand(bridges),
                new NetworkEnsureRemovedCommand(bridges),
                new OverlayConvergeCommand(new Overlays(new ProcessHostCommands(), config.overlayRunDirectory())));
        link = new EngineLink(URI.create(identity.endpoint()), () -> renewal.identity().sslContext(),
                new CommandDispatcher(commands, epochs, observations::incrementAndGet), () -> log.info("Serving the engine as host {}", identity.hostId()));
        hypervisor.onStateChange(observation -> link.notify(AgentEvent.VM_STATE_CHANGED,
                new VmStateChange(observation, observations.incrementAndGet())));
        link.start();
        timer.scheduleAtFixedRate(this::heartbeat, 1, 1, TimeUnit.SECONDS);
        long statsMillis = config.statsInterval().toMillis();
        timer.scheduleAtFixedRate(this::stats, statsMillis, statsMillis, TimeUnit.MILLISECONDS);
        log.info("Agent of host {} started; it dials {}", identity.hostId(), identity.endpoint());
    }

    private void heartbeat() {
        if (link.isConnected()) {
            link.notify(AgentEvent.HEARTBEAT, NoParams.INSTANCE);
            try {
                renewal.requestIfDue().ifPresent(request -> link.notify(AgentEvent.CERTIFICATE_REQUEST, request));
            } catch (RuntimeException e) {
                log.warn("Cannot ask for a new certificate: {}", e.getMessage());
            }
        }
    }

    private void stats() {
        if (!link.isConnected()) {
            return;
        }
        // numbered before the list is taken: the engine drops it for a VM it has newer word of
        long seq = observations.incrementAndGet();
        HostStatsReport report;
        try {
            report = new HostStatsReport(hypervisor.stats(), hypervisor.listVms(), seq);
        } catch (HypervisorException e) {
            // the engine makes the host NonOperational and its VMs Unknown until libvirt answers again
            log.warn("Cannot gather host statistics: {}", e.getMessage());
            report = HostStatsReport.libvirtUnavailable(seq, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Cannot gather host statistics: {}", e.getMessage());
            return;
        }
        link.notify(AgentEvent.HOST_STATS, report.withNics(hostNics()));
    }

    /** The host's interfaces; none when ip cannot tell (the engine keeps what it had). */
    private List<HostNic> hostNics() {
        try {
            return bridges.interfaces();
        } catch (NetworkException e) {
            log.warn("Cannot read the host's network interfaces: {}", e.getMessage());
            return List.of();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (link != null) {
            link.close();
        }
        hypervisor.close();
    }
}
