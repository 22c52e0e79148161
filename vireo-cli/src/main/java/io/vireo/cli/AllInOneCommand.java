package io.vireo.cli;

import io.vireo.agent.Agent;
import io.vireo.agent.AgentConfig;
import io.vireo.agent.enrollment.AgentIdentity;
import io.vireo.engine.Engine;
import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Visibility;
import io.vireo.engine.EngineConfig;
import io.vireo.model.BootFile;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;
import io.vireo.model.Host;
import io.vireo.model.StorageDomain;
import io.vireo.model.rpc.BootFileLocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * An engine and a host agent in one process on this machine: on first start it creates the
 * Default data center and cluster, a file storage domain under the data directory, adds this
 * machine as host "local" and enrolls the agent with it. At every start it makes sure the local
 * domain's boot-files directory exists and, once the host is Up, scans it, so that a kernel or
 * initrd copied there is a boot file a VM can boot.
 */
@Command(name = "all-in-one", mixinStandardHelpOptions = true,
        description = "Run an engine and a host agent for this machine in one process")
public final class AllInOneCommand implements Callable<Integer> {
    @Mixin
    EngineCommand engineOptions = new EngineCommand();
    @Option(names = "--domain-type", description = "kvm or qemu; default: detected")
    String domainType;
    @Mixin
    AgentCommands.LibvirtPkiOptions pki = new AgentCommands.LibvirtPkiOptions();

    @Override
    public Integer call() throws Exception {
        // its one host is this machine, at 127.0.0.1
        EngineConfig config = engineOptions.config().withLocalHostAddresses();
        Engine engine = new Engine(config);
        engine.start();
        Path agentState = config.dataDirectory().resolve("agent");
        if (!AgentIdentity.isEnrolled(agentState)) {
            bootstrap(engine, config, agentState);
        }
        // one host, so no migration; its displays take TLS with these files (scripts/configure-qemu-displays.sh
        // names them in qemu.conf: /etc/pki/vireo-libvirt as root, where QEMU's user can read them)
        Agent agent = AgentCommands.start(new AgentConfig(agentState, "qemu:///system", Optional.of("127.0.0.1"),
                Optional.ofNullable(domainType), Duration.ofSeconds(5), Optional.empty(),
                pki.directory(agentState), Optional.ofNullable(pki.qemuUser)));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            engine.close();
        }));
        EngineCommand.printWelcome(engine);
        Path bootFiles = config.dataDirectory().resolve("images").resolve(BootFileLocation.DIRECTORY);
        Files.createDirectories(bootFiles);
        Thread.ofVirtual().name("all-in-one-boot-files").start(() -> scanBootFiles(engine, bootFiles));
        new CountDownLatch(1).await();
        return 0;
    }

    /** Scans the local domain's boot files once its host is Up (within two minutes); says what it found, or why not. */
    private static void scanBootFiles(Engine engine, Path directory) {
        try {
            Optional<StorageDomain> local = engine.storage().domains(Visibility.ALL, Optional.of("name=local"), new Paging(1, 1))
                    .stream().findFirst();
            if (local.isEmpty()) {
                return;
            }
            UUID dataCenter = UUID.fromString(local.get().dataCenterId());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (engine.hosts().upHostsInDataCenter(dataCenter).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    System.out.println("Boot files not scanned: host local is not Up; later: vireo storage scan-boot-files local");
                    return;
                }
                Thread.sleep(500);
            }
            BootFile.ScanResult result = engine.bootFiles().scan(UUID.fromString(local.get().id()));
            System.out.println("Boot files (kernels, initrds a VM may boot) in " + directory + ": " + result.files().size()
                    + "; after copying more there: vireo storage scan-boot-files local");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.out.println("Boot files not scanned: " + e.getMessage() + "; later: vireo storage scan-boot-files local");
        }
        System.out.flush();
    }

    private static void bootstrap(Engine engine, EngineConfig config, Path agentState) throws Exception {
        var dataCenters = engine.dataCenters();
        DataCenter dataCenter = dataCenters.dataCenters().stream().filter(dc -> dc.name().equals("Default")).findFirst()
                .orElseGet(() -> dataCenters.createDataCenter(new DataCenter.Create("Default", "Created by all-in-one")));
        Cluster cluster = dataCenters.clusters().stream().filter(c -> c.name().equals("Default")).findFirst()
                .orElseGet(() -> dataCenters.createCluster(new Cluster.Create("Default", dataCenter.id(), "Created by all-in-one", null)));
        Path images = config.dataDirectory().resolve("images");
        Files.createDirectories(images);
        if (engine.storage().domains(Visibility.ALL, Optional.of("name=local"), new Paging(1, 1)).isEmpty()) {
            engine.storage().createDomain(new StorageDomain.Create("local", dataCenter.id(), "file", images.toString()));
        }
        Host.Created host = engine.hosts().create(new Host.Create("local", "127.0.0.1", cluster.id()));
        AgentIdentity.enroll(config.tls().scheme() + "://127.0.0.1:" + engine.apiPort(), host.enrollmentToken(),
                host.caFingerprint(), agentState);
    }
}
