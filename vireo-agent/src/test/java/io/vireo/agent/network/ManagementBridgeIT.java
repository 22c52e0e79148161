package io.vireo.agent.network;

import io.vireo.model.rpc.BridgeOutcome;
import io.vireo.model.rpc.BridgedNetwork;
import io.vireo.model.rpc.HostNic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The management network on a real kernel: a "host" is a network namespace of this test's own whose
 * eth0 (a veth) holds its only address and its default route, through which it reaches an "engine"
 * (a socket of this JVM on the veth's other end, in the machine's namespace). Bridging eth0 moves the
 * address and the route onto the bridge and keeps them when the engine answers; when it does not (its
 * socket closed: the host cannot reach it after the change), the change is rolled back and the host
 * reaches the engine through eth0 again. Needs root and iproute2 (as the lab does).
 */
class ManagementBridgeIT {
    private final int id = ThreadLocalRandom.current().nextInt(0x1000, 0xffff);
    private final String namespace = "vnmgmt" + Integer.toHexString(id);
    private final String outside = "vnmo" + Integer.toHexString(id);
    private final int subnet = 100 + id % 100;
    private final String hostAddress = "10.199." + subnet + ".1";
    private final String engineAddress = "10.199." + subnet + ".254";
    private final String bridge = "vnmb" + Integer.toHexString(id);
    private final IpLinks host = new IpLinks(namespace);
    private ServerSocket engine;

    @BeforeEach
    void host() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        sh("ip", "netns", "add", namespace);
        sh("ip", "link", "add", outside, "type", "veth", "peer", "name", "vnmi" + Integer.toHexString(id));
        sh("ip", "link", "set", "vnmi" + Integer.toHexString(id), "netns", namespace);
        sh("ip", "-n", namespace, "link", "set", "vnmi" + Integer.toHexString(id), "name", "eth0");
        sh("ip", "-n", namespace, "link", "set", "lo", "up");
        sh("ip", "-n", namespace, "addr", "add", hostAddress + "/24", "dev", "eth0");
        sh("ip", "-n", namespace, "link", "set", "eth0", "up");
        // the engine is "elsewhere": reached through a gateway, by the default route
        sh("ip", "addr", "add", engineAddress + "/24", "dev", outside);
        sh("ip", "link", "set", outside, "up");
        sh("ip", "-n", namespace, "route", "add", "default", "via", engineAddress, "dev", "eth0", "metric", "50");
        engine = new ServerSocket(0, 50, InetAddress.getByName(engineAddress));
        Thread.ofVirtual().start(() -> {
            while (!engine.isClosed()) {
                try {
                    engine.accept().close();
                } catch (IOException e) {
                    return;
                }
            }
        });
        assertThat(probe().reachable(Duration.ofSeconds(10))).as("the host reaches the engine before any change").isTrue();
    }

    @AfterEach
    void removeHost() throws Exception {
        if (engine != null) {
            engine.close();
        }
        run("ip", "netns", "del", namespace);
        run("ip", "link", "del", outside);
    }

    @Test
    void theManagementInterfaceIsBridgedWithItsAddressAndDefaultRouteAndTheHostStillReachesTheEngine() throws Exception {
        Bridges bridges = new Bridges(host, probe(), Duration.ofSeconds(10));

        List<BridgeOutcome> outcomes = bridges.ensureBridged(List.of(new BridgedNetwork(bridge, "eth0", null, 1500)));

        assertThat(outcomes).containsExactly(BridgeOutcome.carried(bridge));
        assertThat(nic(bridge).addresses()).containsExactly(hostAddress + "/24");
        assertThat(nic("eth0").addresses()).isEmpty();
        assertThat(nic("eth0").master()).isEqualTo(bridge);
        assertThat(sh("ip", "-n", namespace, "route", "show", "default")).contains("via " + engineAddress + " dev " + bridge)
                .contains("metric 50");
        assertThat(probe().reachable(Duration.ofSeconds(10))).isTrue();

        // removed: eth0 gets its address and default route back, and the host still reaches the engine
        assertThat(bridges.ensureRemoved(List.of(bridge))).containsExactly(new BridgeOutcome(bridge, false, null));
        assertThat(host.interfaces()).extracting(HostNic::name).doesNotContain(bridge);
        assertThat(nic("eth0").addresses()).containsExactly(hostAddress + "/24");
        assertThat(nic("eth0").master()).isNull();
        assertThat(sh("ip", "-n", namespace, "route", "show", "default")).contains("via " + engineAddress + " dev eth0");
        assertThat(probe().reachable(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aChangeAfterWhichTheEngineCannotBeReachedIsRolledBackAndTheHostReachesItAgain() throws Exception {
        int port = engine.getLocalPort();
        engine.close();
        Bridges bridges = new Bridges(host, probe(port), Duration.ofSeconds(3));

        long start = System.nanoTime();
        List<BridgeOutcome> outcomes = bridges.ensureBridged(List.of(new BridgedNetwork(bridge, "eth0", null, 1500)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("bridging the management interface with an unreachable engine: refused and rolled back in %d ms%n", tookMs);

        assertThat(outcomes).singleElement().satisfies(outcome -> {
            assertThat(outcome.carried()).isFalse();
            assertThat(outcome.error()).contains("the engine was not reachable within 3 s").contains("rolled back");
        });
        assertThat(host.interfaces()).extracting(HostNic::name).doesNotContain(bridge);
        assertThat(nic("eth0").addresses()).containsExactly(hostAddress + "/24");
        assertThat(nic("eth0").master()).isNull();
        assertThat(sh("ip", "-n", namespace, "route", "show", "default")).contains("via " + engineAddress + " dev eth0")
                .contains("metric 50");
        // the engine back at its address: the host reaches it as before the change
        engine = new ServerSocket(port, 50, InetAddress.getByName(engineAddress));
        Thread.ofVirtual().start(() -> {
            while (!engine.isClosed()) {
                try {
                    engine.accept().close();
                } catch (IOException e) {
                    return;
                }
            }
        });
        assertThat(probe(port).reachable(Duration.ofSeconds(10))).isTrue();
    }

    private HostNic nic(String name) {
        return host.interfaces().stream().filter(nic -> nic.name().equals(name)).findFirst().orElseThrow();
    }

    private EngineProbe probe() {
        return probe(engine.getLocalPort());
    }

    /** The agent's check, from inside the host's namespace: a TCP connection the engine's socket accepts. */
    private EngineProbe probe(int port) {
        return within -> {
            long deadline = System.nanoTime() + within.toNanos();
            do {
                try {
                    if (run("ip", "netns", "exec", namespace, "timeout", "1", "bash", "-c",
                            "exec 3<>/dev/tcp/" + engineAddress + "/" + port) == 0) {
                        return true;
                    }
                } catch (Exception e) {
                    return false;
                }
            } while (System.nanoTime() < deadline);
            return false;
        };
    }

    private static String sh(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
