package io.vireo.cli;

import io.vireo.agent.Agent;
import io.vireo.agent.AgentConfig;
import io.vireo.agent.enrollment.AgentIdentity;
import io.vireo.agent.enrollment.LibvirtPki;
import io.vireo.agent.hypervisor.DiskImages;
import io.vireo.agent.hypervisor.LibvirtHypervisor;
import io.vireo.agent.hypervisor.LibvirtHypervisorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "agent", mixinStandardHelpOptions = true, description = "The host agent",
        subcommands = {AgentCommands.Enroll.class, AgentCommands.Run.class})
public final class AgentCommands {
    @Command(name = "enroll", mixinStandardHelpOptions = true,
            description = "Enroll this host with an engine using the one-time token from 'vireo host add'")
    public static final class Enroll implements Callable<Integer> {
        @Option(names = "--engine", required = true, description = "Engine URL, e.g. https://10.0.0.1:8080")
        String engine;
        @Option(names = "--token", required = true)
        String token;
        @Option(names = "--ca-fingerprint", required = true, description = "SHA-256 fingerprint of the engine's CA, as "
                + "'vireo host add' printed it: the agent refuses an engine whose CA has another")
        String caFingerprint;
        @Option(names = "--state-dir", description = "Default /var/lib/vireo-agent as root")
        Path stateDirectory;
        @Mixin
        LibvirtPkiOptions pki = new LibvirtPkiOptions();

        @Override
        public Integer call() throws Exception {
            Path state = stateDirectory == null ? AgentConfig.defaultStateDirectory() : stateDirectory;
            AgentIdentity identity = AgentIdentity.enroll(engine, token, caFingerprint, state);
            LibvirtPki libvirtPki = pki.pki(state);
            libvirtPki.write(identity);
            System.out.println("Enrolled as host " + identity.hostId() + "; the agent will dial " + identity.endpoint());
            System.out.println("The host's certificate for libvirtd and QEMU is in " + libvirtPki.directory()
                    + " (docs/libvirt-tls.md: configure libvirtd for TLS with it)");
            System.out.println("Start it with: vireo agent run" + (stateDirectory == null ? "" : " --state-dir " + state)
                    + (pki.directory == null ? "" : " --libvirt-pki-dir " + libvirtPki.directory()));
            return 0;
        }
    }

    /** Where the agent writes the host's certificate for libvirtd and QEMU (enroll and run must agree). */
    public static final class LibvirtPkiOptions {
        @Option(names = "--libvirt-pki-dir", description = "Where the host's certificate, key and the engine's CA are "
                + "written for libvirtd and QEMU (default " + "/etc/pki/vireo-libvirt as root)")
        Path directory;
        @Option(names = "--qemu-user", description = "The user QEMU runs as, who must read QEMU's copy of the key "
                + "(default: libvirt-qemu or qemu, whichever exists)")
        String qemuUser;

        LibvirtPki pki(Path stateDirectory) {
            return new LibvirtPki(directory(stateDirectory), Optional.ofNullable(qemuUser));
        }

        Path directory(Path stateDirectory) {
            return directory == null ? LibvirtPki.defaultDirectory(stateDirectory) : directory;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the agent (after enrolling)")
    public static final class Run implements Callable<Integer> {
        @Option(names = "--state-dir")
        Path stateDirectory;
        @Option(names = "--libvirt-uri", defaultValue = "qemu:///system")
        String libvirtUri;
        @Option(names = "--vnc-listen", description = "The host's management address, where guests' VNC and SPICE "
                + "servers listen (default: qemu.conf's vnc_listen and spice_listen); never 0.0.0.0 or ::")
        String vncListen;
        @Option(names = "--domain-type", description = "kvm or qemu; default: detected from the host")
        String domainType;
        @Option(names = "--stats-seconds", defaultValue = "5")
        int statsSeconds;
        @Option(names = "--console-dir", description = "Guests' serial console logs (default: <state-dir>/console)")
        Path consoleDirectory;
        @Mixin
        LibvirtPkiOptions pki = new LibvirtPkiOptions();

        AgentConfig config() {
            Path state = stateDirectory == null ? AgentConfig.defaultStateDirectory() : stateDirectory;
            return new AgentConfig(state, libvirtUri, Optional.ofNullable(vncListen), Optional.ofNullable(domainType), Duration.ofSeconds(statsSeconds),
                    Optional.ofNullable(consoleDirectory), pki.directory(state), Optional.ofNullable(pki.qemuUser));
        }

        @Override
        public Integer call() throws Exception {
            AgentConfig config = config();
            Agent agent = start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
            new CountDownLatch(1).await();
            return 0;
        }
    }

    static Agent start(AgentConfig config) throws Exception {
        AgentIdentity identity = AgentIdentity.load(config.stateDirectory());
        LibvirtHypervisor hypervisor = new LibvirtHypervisor(new LibvirtHypervisorConfig(config.libvirtUri(),
                config.consoleLogDirectory(), config.vncListenAddress(), Duration.ofSeconds(30), config.domainType().orElse(null)));
        Agent agent = new Agent(config, identity, hypervisor, new DiskImages(Duration.ofMinutes(10)));
        agent.start();
        return agent;
    }
}
