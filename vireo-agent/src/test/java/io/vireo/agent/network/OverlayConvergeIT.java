package io.vireo.agent.network;

import io.vireo.model.rpc.DhcpService;
import io.vireo.model.rpc.DhcpService.DhcpHost;
import io.vireo.model.rpc.DhcpService.DhcpSubnet;
import io.vireo.model.rpc.OverlayConvergeResult;
import io.vireo.model.rpc.OverlayConvergeResult.Outcome;
import io.vireo.model.rpc.OverlayRouter;
import io.vireo.model.rpc.OverlayRouter.FloatingIpMapping;
import io.vireo.model.rpc.OverlayRouter.RouterGateway;
import io.vireo.model.rpc.OverlayRouter.RouterInterface;
import io.vireo.model.rpc.OverlaySegment;
import io.vireo.model.rpc.OverlayState;
import io.vireo.model.rpc.PortFilter;
import io.vireo.model.rpc.PortFilter.FilterRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The overlay data path for real, in network namespaces this test makes (all named vtest-ov-RANDOM-*,
 * removed at the end whatever happened): two "hosts", each a network namespace with a private mount
 * namespace over /run/netns (so each host's qdhcp-/qrouter- namespaces are its own, as on a real host),
 * cabled to a switch namespace; "guests" are namespaces whose veth is plugged into a host's overlay bridge,
 * as a VM's tap would be, and take their addresses with busybox udhcpc; an "outside" namespace sits on an
 * external bridge of host 1. Every convergence is run a second time and must change nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverlayConvergeIT {
    private static final Duration REACH = Duration.ofSeconds(20);
    private static final String P = "vtest-ov-" + HexFormat.of().formatHex(randomBytes(3));
    private static final String SWITCH = P + "-sw";
    private static final String OUTSIDE = P + "-out";
    private static final String H1_IP = "10.231.200.1";
    private static final String H2_IP = "10.231.200.2";

    private static final String NET_A = UUID.randomUUID().toString();
    private static final String NET_B = UUID.randomUUID().toString();
    private static final String ROUTER = UUID.randomUUID().toString();
    private static final String BRIDGE_A = "brq" + NET_A.substring(0, 11);
    private static final String BRIDGE_B = "brq" + NET_B.substring(0, 11);
    private static final int VNI_A = 1000 + ThreadLocalRandom.current().nextInt(100_000);
    private static final int VNI_B = VNI_A + 1;
    private static final String EXTERNAL_BRIDGE = "vnext";

    private static Path work;
    private static TestHost h1;
    private static TestHost h2;
    private static final List<Guest> guests = new ArrayList<>();
    private static Guest g1;
    private static Guest g2;
    private static Guest g3;

    /** A simulated host: its network namespace, the holder of its mount namespace, its commands (recorded) and its Overlays. */
    static final class TestHost {
        final String name;
        final String netns;
        final Process holder;
        final Path runDirectory;
        final RecordingCommands commands;
        Overlays overlays;

        TestHost(String name, Process holder, Path runDirectory) {
            this.name = name;
            this.netns = P + "-" + name;
            this.holder = holder;
            this.runDirectory = runDirectory;
            this.commands = new RecordingCommands(new ProcessHostCommands(List.of("nsenter", "--target", Long.toString(holder.pid()),
                    "--net", "--mount", "--")));
            this.overlays = new Overlays(commands, runDirectory);
        }

        /** Runs a command inside the host (its network and mount namespaces), as the agent would. */
        String sh(String... command) {
            return commands.delegate.read(List.of(command));
        }

        /** Converges, checks every element was done, converges again and checks that nothing changed. */
        OverlayConvergeResult converge(OverlayState state) {
            OverlayConvergeResult result = overlays.converge(state);
            commands.changes.clear();
            OverlayConvergeResult again = overlays.converge(state);
            assertThat(commands.changes).as("changes made by a second convergence of " + name).isEmpty();
            assertThat(again).isEqualTo(result);
            return result;
        }

        List<String> namespaces() {
            return sh("ip", "netns", "list").lines().map(line -> line.split(" ")[0]).filter(line -> !line.isBlank()).toList();
        }

        List<String> links() {
            return OverlayLinks.parse(sh("ip", "-details", "-json", "addr", "show")).keySet().stream().toList();
        }
    }

    /** A decorator that records the commands that change the host. */
    static final class RecordingCommands implements HostCommands {
        final HostCommands delegate;
        final List<String> changes = new CopyOnWriteArrayList<>();

        RecordingCommands(HostCommands delegate) {
            this.delegate = delegate;
        }

        @Override
        public String read(List<String> command) {
            return delegate.read(command);
        }

        @Override
        public void change(List<String> command, String input) {
            changes.add(String.join(" ", command));
            delegate.change(command, input);
        }

        @Override
        public Optional<String> commandLine(long pid) {
            return delegate.commandLine(pid);
        }
    }

    /** A namespace playing a VM: eth0 in it, its peer (the "tap") in a host. */
    record Guest(String netns, String tap, String mac, TestHost host) {
    }

    @BeforeAll
    static void buildTheLab() throws Exception {
        work = Files.createTempDirectory("vtest-ov-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            root("ip", "netns", "add", SWITCH);
            root("ip", "-n", SWITCH, "link", "add", "br0", "type", "bridge");
            root("ip", "-n", SWITCH, "link", "set", "br0", "up");
            h1 = host("h1", H1_IP);
            h2 = host("h2", H2_IP);
            // the outside world: a namespace on host 1's external bridged network
            root("ip", "netns", "add", OUTSIDE);
            h1.sh("ip", "link", "add", EXTERNAL_BRIDGE, "type", "bridge");
            h1.sh("ip", "link", "set", EXTERNAL_BRIDGE, "up");
            root("ip", "-n", OUTSIDE, "link", "add", "eth0", "type", "veth", "peer", "name", "extport", "netns", h1.netns);
            h1.sh("ip", "link", "set", "extport", "master", EXTERNAL_BRIDGE, "up");
            root("ip", "-n", OUTSIDE, "addr", "add", "10.231.150.1/24", "dev", "eth0");
            root("ip", "-n", OUTSIDE, "link", "set", "eth0", "up");
            root("ip", "-n", OUTSIDE, "link", "set", "lo", "up");
            g1 = guest("g1", h1, "fa:16:3e:00:00:11");
            g2 = guest("g2", h2, "fa:16:3e:00:00:12");
            g3 = guest("g3", h2, "fa:16:3e:00:00:13");
        } catch (Exception | AssertionError e) {
            tearDown();
            throw e;
        }
    }

    private static TestHost host(String name, String address) throws Exception {
        String netns = P + "-" + name;
        root("ip", "netns", "add", netns);
        root("ip", "-n", SWITCH, "link", "add", "p" + name, "type", "veth", "peer", "name", "eth0", "netns", netns);
        root("ip", "-n", SWITCH, "link", "set", "p" + name, "master", "br0", "up");
        root("ip", "-n", netns, "addr", "add", address + "/24", "dev", "eth0");
        root("ip", "-n", netns, "link", "set", "eth0", "up");
        root("ip", "-n", netns, "link", "set", "lo", "up");
        // the host's own mount namespace with an empty /run/netns: its namespaces are its own
        Process holder = new ProcessBuilder("ip", "netns", "exec", netns, "unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs tmpfs /run/netns && exec sleep infinity")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !holder.isAlive()
                || ProcessHandle.of(holder.pid()).flatMap(h -> h.info().command()).orElse("").endsWith("sleep"));
        assertThat(holder.isAlive()).as("the holder of " + name).isTrue();
        Path run = work.resolve(name);
        Files.createDirectories(run);
        return new TestHost(name, holder, run);
    }

    private static Guest guest(String name, TestHost host, String mac) throws Exception {
        String netns = P + "-" + name;
        String tap = "tap" + name + HexFormat.of().formatHex(randomBytes(2));
        root("ip", "netns", "add", netns);
        root("ip", "-n", netns, "link", "add", "eth0", "address", mac, "type", "veth", "peer", "name", tap, "netns", host.netns);
        root("ip", "-n", netns, "link", "set", "eth0", "up");
        root("ip", "-n", netns, "link", "set", "lo", "up");
        Guest guest = new Guest(netns, tap, mac, host);
        guests.add(guest);
        return guest;
    }

    @AfterAll
    static void tearDown() {
        for (TestHost host : new TestHost[] {h1, h2}) {
            if (host == null) {
                continue;
            }
            try {
                for (String namespace : host.namespaces()) {
                    for (String pid : host.sh("ip", "netns", "pids", namespace).lines().filter(l -> !l.isBlank()).toList()) {
                        host.sh("kill", "-KILL", pid.strip());
                    }
                    host.sh("ip", "netns", "del", namespace);
                }
            } catch (RuntimeException e) {
                System.err.println("cleaning " + host.name + ": " + e.getMessage());
            }
            host.holder.destroyForcibly();
        }
        for (String name : new String[] {"g1", "g2", "g3", "out", "h1", "h2", "sw"}) {
            Commands.run("ip", "netns", "del", P + "-" + name);
        }
        if (work != null) {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                System.err.println("cannot remove " + work + ": " + e.getMessage());
            }
        }
        assertThat(Commands.run("ip", "netns", "list").stdout()).doesNotContain(P);
    }

    // ------------------------------------------------------------------ the states

    private static OverlaySegment segment(String network, int vni, String bridge, String peer) {
        return new OverlaySegment(network, vni, bridge, 1450, List.of(peer));
    }

    private static DhcpService dhcpA() {
        return new DhcpService(NET_A, "qdhcp-" + NET_A, BRIDGE_A, "tap" + NET_A.substring(24, 35), "fa:16:3e:00:00:02", "10.231.101.2/24",
                1450, List.of(new DhcpSubnet("sa", "10.231.101.0/24", "10.231.101.1", List.of(), 600)),
                List.of(new DhcpHost(g1.mac(), "10.231.101.11", "g1"), new DhcpHost(g2.mac(), "10.231.101.12", "g2")));
    }

    private static DhcpService dhcpB() {
        return new DhcpService(NET_B, "qdhcp-" + NET_B, BRIDGE_B, "tap" + NET_B.substring(24, 35), "fa:16:3e:00:00:03", "10.231.102.2/24",
                1450, List.of(new DhcpSubnet("sb", "10.231.102.0/24", "10.231.102.1", List.of("10.231.102.2"), 600)),
                List.of(new DhcpHost(g3.mac(), "10.231.102.13", null)));
    }

    private static OverlayRouter router(String gatewayBridge) {
        return new OverlayRouter(ROUTER, "qrouter-" + ROUTER,
                List.of(new RouterInterface("qr-" + NET_A.substring(0, 11), BRIDGE_A, "fa:16:3e:00:01:01", "10.231.101.1/24", 1450),
                        new RouterInterface("qr-" + NET_B.substring(0, 11), BRIDGE_B, "fa:16:3e:00:01:02", "10.231.102.1/24", 1450)),
                new RouterGateway("qg-" + ROUTER.substring(0, 11), gatewayBridge, "fa:16:3e:00:01:03", "10.231.150.10/24",
                        "10.231.150.1", true, 1500),
                List.of(new FloatingIpMapping("10.231.150.20", "10.231.101.12")));
    }

    private static OverlayState h1State(List<OverlayRouter> routers) {
        return new OverlayState(H1_IP, List.of(segment(NET_A, VNI_A, BRIDGE_A, H2_IP), segment(NET_B, VNI_B, BRIDGE_B, H2_IP)),
                List.of(dhcpA(), dhcpB()), routers, List.of());
    }

    private static OverlayState h2State(List<PortFilter> ports) {
        return new OverlayState(H2_IP, List.of(segment(NET_A, VNI_A, BRIDGE_A, H1_IP), segment(NET_B, VNI_B, BRIDGE_B, H1_IP)),
                List.of(), List.of(), ports);
    }

    /** g2's filter: only ICMP from net A may reach it, and it may send only ICMP. */
    private static PortFilter g2Filter() {
        return new PortFilter("port-g2", g2.tap(), g2.mac(), List.of("10.231.101.12"), true,
                List.of(new FilterRule("ingress", "icmp", null, null, List.of("10.231.101.0/24")),
                        new FilterRule("egress", "icmp", null, null, null)));
    }

    // ------------------------------------------------------------------ the tests

    @Test
    @Order(1)
    void guestsOnTwoHostsGetTheirAddressesByDhcpAcrossVxlanAndReachEachOther() throws Exception {
        long start = System.nanoTime();
        assertAllDone(h1.converge(h1State(List.of())));
        long h1Millis = (System.nanoTime() - start) / 1_000_000;
        assertAllDone(h2.converge(h2State(List.of())));
        System.out.printf("OverlayConvergeIT: host 1 (2 segments, 2 DHCP) converged from nothing in %d ms (and checked again)%n", h1Millis);

        plug(g1, BRIDGE_A);
        plug(g2, BRIDGE_A);
        plug(g3, BRIDGE_B);
        assertThat(dhcp(g1)).startsWith("10.231.101.11 10.231.101.1 1450");
        long leaseStart = System.nanoTime();
        assertThat(dhcp(g2)).startsWith("10.231.101.12 10.231.101.1 1450");
        System.out.printf("OverlayConvergeIT: guest on host 2 got its lease across VXLAN in %d ms%n",
                (System.nanoTime() - leaseStart) / 1_000_000);
        assertThat(dhcp(g3)).startsWith("10.231.102.13 10.231.102.1 1450 10.231.102.2");
        awaitPing(g1, "10.231.101.12");
        awaitPing(g2, "10.231.101.11");
        // the DNS name of a port, from the network's dnsmasq
        assertThat(Commands.run("ip", "netns", "exec", g1.netns(), "busybox", "nslookup", "g2", "10.231.101.2").stdout())
                .contains("Name:\tg2\nAddress: 10.231.101.12");
        // two networks without a router do not reach each other
        assertThat(ping(g3, "10.231.101.12")).isFalse();
    }

    @Test
    @Order(2)
    void aRouterJoinsTheTwoSegmentsAndItsGatewaySnatsAndMapsTheFloatingIp() {
        assertAllDone(h1.converge(h1State(List.of(router(EXTERNAL_BRIDGE)))));
        // net B on host 2 to net A on host 2, through the router on host 1
        awaitPing(g3, "10.231.101.12");
        awaitPing(g1, "10.231.102.13");
        rootWithInput("""
                table ip seen {
                  chain input {
                    type filter hook input priority 0; policy accept;
                    ip saddr 10.231.150.10 icmp type echo-request counter
                    ip saddr 10.231.150.20 icmp type echo-request counter
                  }
                }
                """, "ip", "netns", "exec", OUTSIDE, "nft", "-f", "-");
        // the outside has no route to the inner subnets: g1's ping comes back only because it left as the gateway
        awaitPing(g1, "10.231.150.1");
        awaitPing(g2, "10.231.150.1");
        String counters = root("ip", "netns", "exec", OUTSIDE, "nft", "list", "table", "ip", "seen");
        assertThat(counters).containsPattern("10.231.150.10 icmp type echo-request counter packets [1-9]")
                .containsPattern("10.231.150.20 icmp type echo-request counter packets [1-9]");
        // the floating IP reaches g2 from the outside
        awaitPing(OUTSIDE, "10.231.150.20");
        assertThat(ping(OUTSIDE, "10.231.101.12")).isFalse();
    }

    @Test
    @Order(3)
    void aPortFilterLetsOnlyIcmpFromOneSubnetReachThePortAndOnlyIcmpLeaveIt() {
        // as Docker leaves it: bridged traffic that no one accepts is dropped; the agent's chains must accept the unfiltered
        h2.sh("iptables", "-w", "-P", "FORWARD", "DROP");
        assertAllDone(h2.converge(h2State(List.of(g2Filter()))));

        awaitPing(g1, "10.231.101.12");
        assertThat(ping(g3, "10.231.101.12")).as("ICMP from net B to the filtered port").isFalse();
        // g2 may ping g3 (egress ICMP), and the answer, from net B, comes back as a reply of that connection
        awaitPing(g2, "10.231.102.13");
        assertThat(tcp(g2, g1, "10.231.101.11")).as("TCP from the filtered port").isFalse();
        assertThat(tcp(g1, g2, "10.231.101.12")).as("TCP to the filtered port").isFalse();
        assertThat(tcp(g3, g1, "10.231.101.11")).as("TCP between unfiltered ports across the router").isTrue();
        // the filtered port renews its lease
        assertThat(dhcp(g2)).startsWith("10.231.101.12 ");
        // spoofing: another source address is dropped, and so is another MAC
        guestSh(g2, "ip", "addr", "add", "10.231.101.99/24", "dev", "eth0");
        // each knows the other's MAC without ARP (whose own check would stop the exchange first): only the IPv4 source check is left
        guestSh(g1, "ip", "neigh", "replace", "10.231.101.99", "lladdr", g2.mac(), "dev", "eth0");
        guestSh(g2, "ip", "neigh", "replace", "10.231.101.11", "lladdr", g1.mac(), "dev", "eth0");
        rootWithInput("""
                table ip seen {
                  chain input {
                    type filter hook input priority 0; policy accept;
                    ip saddr 10.231.101.99 counter
                  }
                }
                """, "ip", "netns", "exec", g1.netns(), "nft", "-f", "-");
        assertThat(guestPingFrom(g2, "10.231.101.99", "10.231.101.11")).as("ping from a spoofed address").isFalse();
        assertThat(root("ip", "netns", "exec", g1.netns(), "nft", "list", "table", "ip", "seen")).as("packets from the spoofed address")
                .contains("counter packets 0 ");
        guestSh(g2, "ip", "addr", "del", "10.231.101.99/24", "dev", "eth0");
        guestSh(g1, "ip", "neigh", "del", "10.231.101.99", "dev", "eth0");
        guestSh(g2, "ip", "neigh", "del", "10.231.101.11", "dev", "eth0");
        guestSh(g2, "ip", "link", "set", "eth0", "address", "fa:16:3e:00:00:99");
        assertThat(ping(g2, "10.231.101.11")).as("ping from a spoofed MAC").isFalse();
        guestSh(g2, "ip", "link", "set", "eth0", "address", g2.mac());
        awaitPing(g2, "10.231.101.11");

        // without port security nothing of the port is filtered, and the agent's rules are gone
        PortFilter open = new PortFilter("port-g2", g2.tap(), g2.mac(), List.of("10.231.101.12"), false, List.of());
        assertAllDone(h2.converge(h2State(List.of(open))));
        assertThat(tcp(g1, g2, "10.231.101.12")).isTrue();
        assertThat(h2.sh("iptables", "-w", "-S")).doesNotContain("vireo-i-", "vireo-o-");
        assertThat(h2.sh("nft", "list", "tables")).doesNotContain("vireo-ports");
        assertAllDone(h2.converge(h2State(List.of(g2Filter()))));
        assertThat(ping(g3, "10.231.101.12")).isFalse();
    }

    @Test
    @Order(4)
    void anAgentRestartChangesNothingAndAHostRebootIsRebuiltTheSame() {
        for (TestHost host : new TestHost[] {h1, h2}) {
            host.overlays = new Overlays(host.commands, host.runDirectory);
            host.commands.changes.clear();
        }
        assertAllDone(h1.overlays.converge(h1State(List.of(router(EXTERNAL_BRIDGE)))));
        assertAllDone(h2.overlays.converge(h2State(List.of(g2Filter()))));
        assertThat(h1.commands.changes).isEmpty();
        assertThat(h2.commands.changes).isEmpty();

        // host 1 "reboots": its namespaces, processes, overlay interfaces and run directory are gone
        for (String namespace : h1.namespaces()) {
            for (String pid : h1.sh("ip", "netns", "pids", namespace).lines().filter(l -> !l.isBlank()).toList()) {
                h1.sh("kill", "-KILL", pid.strip());
            }
            h1.sh("ip", "netns", "del", namespace);
        }
        for (String link : h1.links()) {
            if (link.startsWith("brq") || link.startsWith("vxlan-")) {
                h1.sh("ip", "link", "del", link);
            }
        }
        deleteTree(h1.runDirectory);
        long start = System.nanoTime();
        assertAllDone(h1.converge(h1State(List.of(router(EXTERNAL_BRIDGE)))));
        System.out.printf("OverlayConvergeIT: host 1 rebuilt after a \"reboot\" in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        plug(g1, BRIDGE_A);
        assertThat(dhcp(g1)).startsWith("10.231.101.11 ");
        awaitPing(g1, "10.231.101.12");
        awaitPing(g3, "10.231.101.11");
        // out through the rebuilt gateway (g2's floating IP is not tried: g2's filter lets only net A's ICMP in)
        awaitPing(g1, "10.231.150.1");
    }

    @Test
    @Order(5)
    void aChangedStateIsAppliedAndARefusedElementLeavesNothingHalfMade() {
        // a new host joins segment A: host 1 gets the peer; a stale peer goes
        OverlayState changed = new OverlayState(H1_IP, List.of(new OverlaySegment(NET_A, VNI_A, BRIDGE_A, 1450, List.of(H2_IP, "10.231.200.3")),
                segment(NET_B, VNI_B, BRIDGE_B, H2_IP)), List.of(dhcpA(), dhcpB()), List.of(router(EXTERNAL_BRIDGE)), List.of());
        assertAllDone(h1.converge(changed));
        assertThat(h1.sh("bridge", "fdb", "show", "dev", "vxlan-" + VNI_A)).contains("dst 10.231.200.3").contains("dst " + H2_IP);
        assertAllDone(h1.converge(h1State(List.of(router(EXTERNAL_BRIDGE)))));
        assertThat(h1.sh("bridge", "fdb", "show", "dev", "vxlan-" + VNI_A)).doesNotContain("10.231.200.3");

        // a port's new fixed address is a reload of the same dnsmasq; a new lease time is a restart
        String namespaceA = "qdhcp-" + NET_A;
        String pid = dnsmasqPid(namespaceA);
        DhcpService moved = new DhcpService(NET_A, namespaceA, BRIDGE_A, dhcpA().device(), dhcpA().mac(), dhcpA().address(), 1450,
                dhcpA().subnets(), List.of(new DhcpHost(g1.mac(), "10.231.101.21", "g1"), new DhcpHost(g2.mac(), "10.231.101.12", "g2")));
        h1.commands.changes.clear();
        assertAllDone(h1.overlays.converge(new OverlayState(H1_IP, h1State(List.of()).segments(), List.of(moved, dhcpB()),
                List.of(router(EXTERNAL_BRIDGE)), List.of())));
        assertThat(h1.commands.changes).containsExactly("kill -HUP " + pid);
        assertThat(dhcp(g1)).startsWith("10.231.101.21 ");
        assertThat(dnsmasqPid(namespaceA)).isEqualTo(pid);
        DhcpService longer = new DhcpService(NET_A, namespaceA, BRIDGE_A, dhcpA().device(), dhcpA().mac(), dhcpA().address(), 1450,
                List.of(new DhcpSubnet("sa", "10.231.101.0/24", "10.231.101.1", List.of(), 900)), dhcpA().hosts());
        assertAllDone(h1.converge(new OverlayState(H1_IP, h1State(List.of()).segments(), List.of(longer, dhcpB()),
                List.of(router(EXTERNAL_BRIDGE)), List.of())));
        assertThat(dnsmasqPid(namespaceA)).isNotEqualTo(pid);
        assertAllDone(h1.converge(h1State(List.of(router(EXTERNAL_BRIDGE)))));
        assertThat(dhcp(g1)).startsWith("10.231.101.11 ");

        // a second router whose gateway bridge does not exist, and a segment with an impossible VNI
        String otherRouter = UUID.randomUUID().toString();
        OverlayRouter broken = new OverlayRouter(otherRouter, "qrouter-" + otherRouter,
                List.of(new RouterInterface("qr-" + otherRouter.substring(0, 11), BRIDGE_A, "fa:16:3e:00:02:01", "10.231.101.254/24", 1450)),
                new RouterGateway("qg-" + otherRouter.substring(0, 11), "vnmissing", "fa:16:3e:00:02:02", "10.231.150.11/24", null, true, 1500),
                List.of());
        String badNet = UUID.randomUUID().toString();
        OverlaySegment badSegment = new OverlaySegment(badNet, 0, "brq" + badNet.substring(0, 11), 1450, List.of(H2_IP));
        OverlayState state = new OverlayState(H1_IP, List.of(segment(NET_A, VNI_A, BRIDGE_A, H2_IP), segment(NET_B, VNI_B, BRIDGE_B, H2_IP),
                badSegment), List.of(dhcpA(), dhcpB()), List.of(router(EXTERNAL_BRIDGE), broken), List.of());
        h1.commands.changes.clear();
        OverlayConvergeResult result = h1.overlays.converge(state);
        assertThat(h1.commands.changes).isEmpty();
        assertThat(result.outcomes()).filteredOn(o -> !o.done()).extracting(Outcome::kind, Outcome::id, Outcome::error).containsExactly(
                org.assertj.core.groups.Tuple.tuple("segment", badNet, "VNI 0 is not between 1 and 16777215"),
                org.assertj.core.groups.Tuple.tuple("router", otherRouter, "the host has no bridge vnmissing"));
        assertThat(result.outcomes()).filteredOn(Outcome::done).hasSize(5);
        assertThat(h1.namespaces()).doesNotContain("qrouter-" + otherRouter);
        assertThat(h1.links()).doesNotContain("ri" + otherRouter.substring(0, 11), "brq" + badNet.substring(0, 11));
        awaitPing(g3, "10.231.101.11");
    }

    @Test
    @Order(6)
    void manySegmentsConvergeAndAnUnchangedStateIsCheap() {
        List<OverlaySegment> segments = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String network = UUID.randomUUID().toString();
            segments.add(segment(network, VNI_B + 1 + i, "brq" + network.substring(0, 11), H1_IP));
        }
        OverlayState many = new OverlayState(H2_IP, segments, List.of(), List.of(), List.of());
        long start = System.nanoTime();
        assertAllDone(h2.overlays.converge(many));
        long first = (System.nanoTime() - start) / 1_000_000;
        h2.commands.changes.clear();
        start = System.nanoTime();
        assertAllDone(h2.overlays.converge(many));
        long again = (System.nanoTime() - start) / 1_000_000;
        assertThat(h2.commands.changes).isEmpty();
        assertThat(h2.links().stream().filter(link -> link.startsWith("vxlan-")).count()).isEqualTo(50);
        System.out.printf("OverlayConvergeIT: 50 segments converged on a host in %d ms; the same state again in %d ms, changing nothing%n",
                first, again);
    }

    @Test
    @Order(7)
    void whatTheStateLeavesOutIsRemovedFromTheHost() {
        // a bridge that still has a VM's tap is kept
        assertAllDone(h2.converge(new OverlayState(H2_IP, List.of(segment(NET_A, VNI_A, BRIDGE_A, H1_IP)), List.of(), List.of(), List.of())));
        assertThat(h2.links()).contains(BRIDGE_B).doesNotContain("vxlan-" + VNI_B);
        for (Guest guest : guests) {
            root("ip", "-n", guest.netns(), "link", "del", "eth0");
        }
        assertAllDone(h1.converge(new OverlayState(H1_IP, List.of(), List.of(), List.of(), List.of())));
        assertAllDone(h2.converge(new OverlayState(H2_IP, List.of(), List.of(), List.of(), List.of())));
        for (TestHost host : new TestHost[] {h1, h2}) {
            assertThat(host.namespaces()).as("namespaces of " + host.name).isEmpty();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(host.links()).as("interfaces of " + host.name)
                    .allMatch(link -> !link.startsWith("brq") && !link.startsWith("vxlan-") && !link.startsWith("dh")
                            && !link.startsWith("ri") && !link.startsWith("rg")));
            assertThat(host.sh("nft", "list", "tables")).doesNotContain("vireo");
            assertThat(host.sh("iptables", "-w", "-S")).doesNotContain("vireo");
            assertThat(host.runDirectory.toFile().list()).isEmpty();
        }
        assertThat(Commands.run("pgrep", "-f", "dnsmasq --conf-file=" + work).stdout()).isBlank();
        // and the external bridged network still carries the outside's traffic (host 1's bridge is not the agent's)
        assertThat(h1.links()).contains(EXTERNAL_BRIDGE, "extport");
    }

    // ------------------------------------------------------------------ helpers

    private static void assertAllDone(OverlayConvergeResult result) {
        assertThat(result.outcomes()).allSatisfy(outcome -> assertThat(outcome.done()).as(outcome.toString()).isTrue());
    }

    private static void plug(Guest guest, String bridge) {
        guest.host().sh("ip", "link", "set", "dev", guest.tap(), "mtu", "1450");
        guest.host().sh("ip", "link", "set", "dev", guest.tap(), "master", bridge);
        guest.host().sh("ip", "link", "set", "dev", guest.tap(), "up");
    }

    /** busybox udhcpc in the guest; answers "ip router mtu dns" of the lease it took. */
    private static String dhcp(Guest guest) {
        Path out = work.resolve(guest.netns() + ".lease");
        Path script = work.resolve("udhcpc.sh");
        try {
            Files.deleteIfExists(out);
            Files.writeString(script, """
                    #!/bin/sh
                    case "$1" in
                      bound|renew)
                        ip addr flush dev "$interface"
                        ip addr add "$ip/$mask" dev "$interface"
                        [ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
                        [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
                        echo "$ip $router $mtu $dns" > "$LEASE_OUT"
                        ;;
                    esac
                    """);
            script.toFile().setExecutable(true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Commands.Result result;
        try {
            result = Commands.run(List.of("ip", "netns", "exec", guest.netns(), "env", "LEASE_OUT=" + out, "busybox", "udhcpc",
                "-i", "eth0", "-n", "-q", "-f", "-t", "10", "-T", "1", "-O", "mtu", "-s", script.toString()), Duration.ofSeconds(30), null);
        } catch (AssertionError e) {
            System.err.println(e.getMessage() + "\n" + diagnosis());
            throw e;
        }
        if (result.exitCode() != 0) {
            System.err.println(diagnosis());
        }
        assertThat(result.exitCode()).as("udhcpc in " + guest.netns() + ": " + result.stdout()).isZero();
        try {
            return Files.readString(out).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What the hosts have, for a failure's message. */
    private static String diagnosis() {
        StringBuilder text = new StringBuilder();
        for (Guest guest : guests) {
            text.append("==== ").append(guest.netns()).append('\n').append(Commands.run("ip", "-n", guest.netns(), "-br", "addr").stdout())
                    .append(Commands.run("ip", "-n", guest.netns(), "route").stdout())
                    .append(Commands.run("ip", "-n", guest.netns(), "neigh").stdout())
                    .append(Commands.run("ip", "-n", guest.netns(), "-s", "link", "show", "eth0").stdout());
        }
        for (TestHost host : new TestHost[] {h1, h2}) {
            text.append("==== ").append(host.name).append('\n');
            for (String[] command : new String[][] {{"ip", "-br", "link"}, {"bridge", "link"}, {"bridge", "fdb", "show"}, {"ip", "netns", "list"},
                    {"iptables", "-w", "-S"}, {"nft", "list", "ruleset"}}) {
                try {
                    text.append("$ ").append(String.join(" ", command)).append('\n').append(host.sh(command));
                } catch (RuntimeException e) {
                    text.append(e.getMessage()).append('\n');
                }
            }
            try (Stream<Path> files = Files.walk(host.runDirectory)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    text.append("---- ").append(file).append('\n').append(Files.readString(file));
                }
            } catch (IOException e) {
                text.append(e.getMessage());
            }
        }
        return text.toString();
    }

    /** The one process in a host's namespace (its dnsmasq). */
    private static String dnsmasqPid(String namespace) {
        List<String> pids = h1.sh("ip", "netns", "pids", namespace).lines().filter(line -> !line.isBlank()).toList();
        assertThat(pids).hasSize(1);
        return pids.getFirst().strip();
    }

    private static String guestSh(Guest guest, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", guest.netns()));
        full.addAll(List.of(command));
        return Commands.check(full, Duration.ofSeconds(20));
    }

    private static boolean ping(Guest guest, String address) {
        return ping(guest.netns(), address);
    }

    private static boolean ping(String netns, String address) {
        return Commands.run("ip", "netns", "exec", netns, "busybox", "ping", "-c", "2", "-W", "1", "-i", "0.3", address).exitCode() == 0;
    }

    private static boolean guestPingFrom(Guest guest, String source, String address) {
        return Commands.run("ip", "netns", "exec", guest.netns(), "busybox", "ping", "-c", "2", "-W", "1", "-i", "0.3", "-I", source, address)
                .exitCode() == 0;
    }

    private static void awaitPing(Guest guest, String address) {
        awaitPing(guest.netns(), address);
    }

    /** Waits until one ping answers (the first packets may wait for ARP across the overlay). */
    private static void awaitPing(String netns, String address) {
        try {
            await().atMost(REACH).pollInterval(Duration.ZERO).until(() -> Commands.run("ip", "netns", "exec", netns, "busybox", "ping", "-c", "1", "-W",
                    "1", address).exitCode() == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(netns + " cannot ping " + address + ": "
                    + Commands.run("ip", "netns", "exec", netns, "busybox", "ping", "-c", "1", "-W", "1", address).stdout() + "\n" + diagnosis(), e);
        }
    }

    /** Whether a TCP connection from one guest reaches a listener on another (busybox nc, a fresh port each time). */
    private static boolean tcp(Guest from, Guest to, String address) {
        int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
        Process listener;
        try {
            listener = new ProcessBuilder("ip", "netns", "exec", to.netns(), "busybox", "nc", "-l", "-p", Integer.toString(port), "-e",
                    "/bin/true").redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> Commands.run("ip", "netns", "exec", to.netns(), "ss", "-ltn").stdout()
                    .contains(":" + port + " "));
            return Commands.run("ip", "netns", "exec", from.netns(), "busybox", "nc", "-w", "2", address, Integer.toString(port))
                    .exitCode() == 0;
        } finally {
            listener.destroyForcibly();
            try {
                listener.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String root(String... command) {
        return Commands.check(List.of(command), Duration.ofSeconds(30));
    }

    private static String rootWithInput(String input, String... command) {
        return Commands.check(List.of(command), Duration.ofSeconds(30), input);
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).filter(path -> !path.equals(directory)).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** The test's own commands in the root namespace (the code under test runs through ProcessHostCommands). */
    static final class Commands {
        record Result(int exitCode, String stdout) {
        }

        static Result run(String... command) {
            return run(List.of(command), Duration.ofSeconds(30), null);
        }

        static String check(List<String> command, Duration timeout) {
            return check(command, timeout, null);
        }

        static String check(List<String> command, Duration timeout, String input) {
            Result result = run(command, timeout, input);
            assertThat(result.exitCode()).as(String.join(" ", command) + ": " + result.stdout()).isZero();
            return result.stdout();
        }

        static Result run(List<String> command, Duration timeout, String input) {
            try {
                Path out = Files.createTempFile("vtest-ov-", ".out");
                try {
                    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
                    Path in = null;
                    if (input != null) {
                        in = Files.createTempFile("vtest-ov-", ".in");
                        Files.writeString(in, input);
                        builder.redirectInput(in.toFile());
                    } else {
                        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                    }
                    Process process = builder.start();
                    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + "; it said: "
                                + Files.readString(out));
                    }
                    if (in != null) {
                        Files.deleteIfExists(in);
                    }
                    return new Result(process.exitValue(), Files.readString(out));
                } finally {
                    Files.deleteIfExists(out);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
