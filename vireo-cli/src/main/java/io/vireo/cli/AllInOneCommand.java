package io.vireo.cli;

import io.vireo.agent.Agent;
import io.vireo.agent.AgentConfig;
import io.vireo.agent.enrollment.AgentIdentity;
import io.vireo.engine.Engine;
import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Visibility;
import io.vireo.engine.EngineConfig;
import io.vireo.model.Cluster;
import io.vireo.model.DataCenter;
import io.vireo.model.Host;
import io.vireo.model.StorageDomain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * An engine and a host agent in one process on this machine: on first start it creates the
 * Default data center and cluster, a file storage domain under the data directory, adds this
 * machine as host "local" and enrolls the agent with it.
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
        new CountDownLatch(1).await();
        return 0;
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
