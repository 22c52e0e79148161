package io.vireo.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.vireo.agent.network.OverlayLinks.Link;
import io.vireo.model.rpc.DhcpService;
import io.vireo.model.rpc.OverlayConvergeResult;
import io.vireo.model.rpc.OverlayConvergeResult.Outcome;
import io.vireo.model.rpc.OverlayRouter;
import io.vireo.model.rpc.OverlaySegment;
import io.vireo.model.rpc.OverlayState;
import io.vireo.model.rpc.PortFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Makes a host carry exactly the overlay state it is sent: VXLAN segments (bridge, vxlan device,
 * head-end forwarding entries), DHCP namespaces with their dnsmasq, router namespaces with their NAT,
 * and port filters. It reads what the host has each time and changes only what differs, so the same
 * state twice changes nothing, and it keeps nothing it needs: after a restart of the agent or of the host
 * the next call rebuilds the same wiring (the files under the run directory are written again from the
 * state; a dnsmasq is found by the namespace it runs in).
 *
 * <p>Each element is checked before anything is changed for it; a refused element is left as it was
 * and said so in its outcome, and the others still converge. An element made from nothing that fails
 * halfway is taken down again. What the host has of the agent's (by name: {@link OverlayNames}) and the
 * state leaves out is removed; a bridge that still has a port the agent did not make (a VM's tap) is kept.
 */
public final class Overlays {
    private static final Logger log = LoggerFactory.getLogger(Overlays.class);
    private static final Pattern COMMENT = Pattern.compile("comment \"([^\"]*)\"");
    private static final Pattern FORWARD_DIGEST = Pattern.compile("vireo-ports ([0-9a-f]+)");
    private static final String ZERO_MAC = "00:00:00:00:00:00";

    private final HostCommands host;
    private final Path runDirectory;

    /** @param runDirectory where dnsmasq's files go (under /run: gone with a reboot, like the namespaces) */
    public Overlays(HostCommands host, Path runDirectory) {
        this.host = requireNonNull(host, "host");
        this.runDirectory = requireNonNull(runDirectory, "runDirectory");
    }

    public synchronized OverlayConvergeResult converge(OverlayState state) {
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, Link> links = links(null);
        Optional<String> localDevice = localDevice(state.localIp(), links);
        Set<String> seenBridges = new HashSet<>();
        Set<Integer> seenVnis = new HashSet<>();
        // one reading for all segments: each one's plan depends only on its own bridge and vxlan device
        Map<String, Set<String>> peers = state.segments().isEmpty() ? Map.of() : headEndPeers();
        for (OverlaySegment segment : state.segments()) {
            Optional<String> refusal = segmentProblem(segment, links, localDevice, state.localIp(), seenBridges, seenVnis);
            seenBridges.add(segment.bridge());
            seenVnis.add(segment.vni());
            outcomes.add(refusal.isPresent() ? refused("segment", segment.networkId(), refusal.get())
                    : apply("segment", segment.networkId(), () -> convergeSegment(segment, links,
                            peers.getOrDefault(segment.vxlanDevice(), Set.of()), state.localIp(), localDevice.get())));
        }
        Set<String> namespaces = namespaces();
        Set<String> seenNamespaces = new HashSet<>();
        for (DhcpService dhcp : state.dhcp()) {
            Map<String, Link> now = links(null);
            Optional<String> refusal = dhcpProblem(dhcp, now, seenNamespaces);
            seenNamespaces.add(dhcp.namespace());
            boolean existed = namespaces.contains(dhcp.namespace());
            outcomes.add(refusal.isPresent() ? refused("dhcp", dhcp.networkId(), refusal.get())
                    : apply("dhcp", dhcp.networkId(), () -> convergeDhcp(dhcp, existed), () -> {
                        if (!existed) {
                            removeNamespace(dhcp.namespace());
                        }
                    }));
        }
        for (OverlayRouter router : state.routers()) {
            Map<String, Link> now = links(null);
            Optional<String> refusal = routerProblem(router, now, seenNamespaces);
            seenNamespaces.add(router.namespace());
            boolean existed = namespaces.contains(router.namespace());
            outcomes.add(refusal.isPresent() ? refused("router", router.routerId(), refusal.get())
                    : apply("router", router.routerId(), () -> convergeRouter(router, existed), () -> {
                        if (!existed) {
                            removeNamespace(router.namespace());
                        }
                    }));
        }
        // while the host carries overlays, bridged traffic is accepted by the agent's chain even with no port filtered
        outcomes.addAll(convergePorts(state.ports(), !state.segments().isEmpty() || !state.ports().isEmpty()));
        removeLeftovers(state);
        return new OverlayConvergeResult(outcomes);
    }

    // ---------------------------------------------------------------- segments

    static Optional<String> localDevice(String localIp, Map<String, Link> links) {
        if (!OverlayNames.isIpv4(localIp)) {
            return Optional.empty();
        }
        return links.values().stream().filter(link -> link.addresses().stream().anyMatch(a -> OverlayNames.address(a).equals(localIp)))
                .map(Link::name).findFirst();
    }

    static Optional<String> segmentProblem(OverlaySegment segment, Map<String, Link> links, Optional<String> localDevice,
                                           String localIp, Set<String> seenBridges, Set<Integer> seenVnis) {
        if (localDevice.isEmpty()) {
            return Optional.of("no interface of the host holds the VXLAN address " + localIp);
        }
        if (!OverlayNames.isInterfaceName(segment.bridge()) || !segment.bridge().startsWith(OverlayNames.BRIDGE_PREFIX)) {
            return Optional.of("bridge '" + segment.bridge() + "' is not a valid name starting with " + OverlayNames.BRIDGE_PREFIX);
        }
        if (segment.vni() < 1 || segment.vni() > 16_777_215) {
            return Optional.of("VNI " + segment.vni() + " is not between 1 and 16777215");
        }
        if (segment.mtu() < 576 || segment.mtu() > 65535) {
            return Optional.of("MTU " + segment.mtu() + " is not between 576 and 65535");
        }
        if (seenBridges.contains(segment.bridge())) {
            return Optional.of("bridge " + segment.bridge() + " is asked for by two segments");
        }
        if (seenVnis.contains(segment.vni())) {
            return Optional.of("VNI " + segment.vni() + " is asked for by two segments");
        }
        for (String peer : segment.peers()) {
            if (!OverlayNames.isIpv4(peer)) {
                return Optional.of("peer '" + peer + "' is not an IPv4 address");
            }
            if (peer.equals(localIp)) {
                return Optional.of("peer " + peer + " is this host's own VXLAN address");
            }
        }
        Link bridge = links.get(segment.bridge());
        if (bridge != null && !bridge.is("bridge")) {
            return Optional.of("an interface named " + segment.bridge() + " exists and is not a bridge");
        }
        Link vxlan = links.get(segment.vxlanDevice());
        if (vxlan != null && !vxlan.is("vxlan")) {
            return Optional.of("an interface named " + segment.vxlanDevice() + " exists and is not a vxlan device");
        }
        return Optional.empty();
    }

    /** The commands that make one segment as it should be, from what the host has; the changes only. */
    static List<List<String>> segmentPlan(OverlaySegment segment, Map<String, Link> links, Set<String> peersNow, String localIp,
                                          String localDevice) {
        List<List<String>> commands = new ArrayList<>();
        String bridgeName = segment.bridge();
        String vx = segment.vxlanDevice();
        String mtu = Integer.toString(segment.mtu());
        Link bridge = links.get(bridgeName);
        if (bridge == null) {
            commands.add(List.of("ip", "link", "add", "name", bridgeName, "type", "bridge"));
        }
        if (bridge == null || bridge.mtu() != segment.mtu()) {
            commands.add(List.of("ip", "link", "set", "dev", bridgeName, "mtu", mtu));
        }
        Link vxlan = links.get(vx);
        Set<String> peers = new HashSet<>(peersNow);
        if (vxlan != null && !vxlanMatches(vxlan, segment.vni(), localIp, localDevice)) {
            commands.add(List.of("ip", "link", "del", "dev", vx));
            vxlan = null;
        }
        if (vxlan == null) {
            peers.clear();
            commands.add(List.of("ip", "link", "add", "name", vx, "type", "vxlan", "id", Integer.toString(segment.vni()), "dstport",
                    Integer.toString(OverlayNames.VXLAN_PORT), "local", localIp, "dev", localDevice, "nolearning"));
        }
        if (vxlan == null || vxlan.mtu() != segment.mtu()) {
            commands.add(List.of("ip", "link", "set", "dev", vx, "mtu", mtu));
        }
        if (vxlan == null || !bridgeName.equals(vxlan.master())) {
            commands.add(List.of("ip", "link", "set", "dev", vx, "master", bridgeName));
        }
        if (vxlan == null || !vxlan.up()) {
            commands.add(List.of("ip", "link", "set", "dev", vx, "up"));
        }
        if (bridge == null || !bridge.up()) {
            commands.add(List.of("ip", "link", "set", "dev", bridgeName, "up"));
        }
        for (String peer : segment.peers()) {
            if (!peers.contains(peer)) {
                commands.add(List.of("bridge", "fdb", "append", ZERO_MAC, "dev", vx, "dst", peer));
            }
        }
        peers.stream().filter(peer -> !segment.peers().contains(peer)).sorted().forEach(stale ->
                commands.add(List.of("bridge", "fdb", "del", ZERO_MAC, "dev", vx, "dst", stale)));
        return commands;
    }

    private static boolean vxlanMatches(Link vxlan, int vni, String localIp, String localDevice) {
        JsonNode data = vxlan.data();
        return data.path("id").asInt() == vni && data.path("port").asInt() == OverlayNames.VXLAN_PORT
                && localIp.equals(data.path("local").asText()) && !data.path("learning").asBoolean(true)
                && localDevice.equals(vxlan.lower());
    }

    private void convergeSegment(OverlaySegment segment, Map<String, Link> links, Set<String> peers, String localIp, String localDevice) {
        boolean existed = links.containsKey(segment.bridge());
        try {
            for (List<String> command : segmentPlan(segment, links, peers, localIp, localDevice)) {
                host.change(command, null);
            }
        } catch (NetworkException e) {
            if (!existed) {
                deleteLinkQuietly(segment.vxlanDevice());
                deleteLinkQuietly(segment.bridge());
            }
            throw e;
        }
    }

    /** The peers of each vxlan device's all-zero forwarding entries, by device. */
    private Map<String, Set<String>> headEndPeers() {
        Map<String, Set<String>> peers = new java.util.HashMap<>();
        for (JsonNode entry : OverlayLinks.json(host.read("bridge", "-j", "fdb", "show"))) {
            if (entry.path("mac").asText().equals(ZERO_MAC) && entry.has("dst")
                    && entry.path("ifname").asText().startsWith(OverlayNames.VXLAN_PREFIX)) {
                peers.computeIfAbsent(entry.path("ifname").asText(), name -> new LinkedHashSet<>()).add(entry.path("dst").asText());
            }
        }
        return peers;
    }

    // ---------------------------------------------------------------- veth pairs in namespaces

    /**
     * A veth pair: {@code device} in the namespace (with its MAC, MTU and exactly these addresses, up) and
     * {@code hostEnd} on the host, a port of {@code bridge}, up.
     */
    private void ensureVeth(String namespace, String device, String hostEnd, String bridge, String mac, int mtu, List<String> addresses) {
        Map<String, Link> root = links(null);
        Map<String, Link> inside = links(namespace);
        Link outer = root.get(hostEnd);
        Link inner = inside.get(device);
        if (outer == null || !outer.is("veth") || inner == null || !inner.is("veth")) {
            if (outer != null) {
                host.change("ip", "link", "del", "dev", hostEnd);
            }
            if (inner != null) {
                host.change("ip", "-n", namespace, "link", "del", "dev", device);
            }
            host.change("ip", "link", "add", "name", hostEnd, "type", "veth", "peer", "name", device, "netns", namespace);
            outer = null;
            inner = null;
        }
        String mtuText = Integer.toString(mtu);
        if (inner == null || !mac.equalsIgnoreCase(inner.mac())) {
            host.change("ip", "-n", namespace, "link", "set", "dev", device, "address", mac.toLowerCase(Locale.ROOT));
        }
        if (inner == null || inner.mtu() != mtu) {
            host.change("ip", "-n", namespace, "link", "set", "dev", device, "mtu", mtuText);
        }
        List<String> present = inner == null ? List.of() : inner.addresses();
        for (String address : present) {
            if (!addresses.contains(address)) {
                host.change("ip", "-n", namespace, "addr", "del", address, "dev", device);
            }
        }
        for (String address : addresses) {
            if (!present.contains(address)) {
                host.change("ip", "-n", namespace, "addr", "add", address, "dev", device);
            }
        }
        if (inner == null || !inner.up()) {
            host.change("ip", "-n", namespace, "link", "set", "dev", device, "up");
        }
        if (outer == null || outer.mtu() != mtu) {
            host.change("ip", "link", "set", "dev", hostEnd, "mtu", mtuText);
        }
        if (outer == null || !bridge.equals(outer.master())) {
            host.change("ip", "link", "set", "dev", hostEnd, "master", bridge);
        }
        if (outer == null || !outer.up()) {
            host.change("ip", "link", "set", "dev", hostEnd, "up");
        }
    }

    private void ensureNamespace(String namespace, boolean exists) {
        if (!exists) {
            host.change("ip", "netns", "add", namespace);
        }
        Link lo = links(namespace).get("lo");
        if (lo == null || !lo.up()) {
            host.change("ip", "-n", namespace, "link", "set", "dev", "lo", "up");
        }
    }

    /** Removes the namespace's interfaces other than lo and those named. */
    private void removeOtherDevices(String namespace, Set<String> keep) {
        for (Link link : links(namespace).values()) {
            if (!link.name().equals("lo") && !keep.contains(link.name())) {
                host.change("ip", "-n", namespace, "link", "del", "dev", link.name());
            }
        }
    }

    // ---------------------------------------------------------------- DHCP

    private static Optional<String> dhcpProblem(DhcpService dhcp, Map<String, Link> links, Set<String> seenNamespaces) {
        if (!OverlayNames.isNamespaceName(dhcp.namespace()) || !dhcp.namespace().startsWith(OverlayNames.DHCP_NAMESPACE_PREFIX)) {
            return Optional.of("namespace '" + dhcp.namespace() + "' is not a valid name starting with " + OverlayNames.DHCP_NAMESPACE_PREFIX);
        }
        if (seenNamespaces.contains(dhcp.namespace())) {
            return Optional.of("namespace " + dhcp.namespace() + " is asked for twice");
        }
        Optional<String> device = OverlayNames.interfaceProblem("device", dhcp.device());
        if (device.isPresent()) {
            return device;
        }
        if (dhcp.device().length() < 4) {
            return Optional.of("device '" + dhcp.device() + "' is shorter than 4 characters");
        }
        if (!OverlayNames.isMac(dhcp.mac())) {
            return Optional.of("'" + dhcp.mac() + "' is not a MAC address");
        }
        if (!OverlayNames.isCidr(dhcp.address())) {
            return Optional.of("address '" + dhcp.address() + "' is not an IPv4 address with a prefix length");
        }
        if (dhcp.mtu() < 576 || dhcp.mtu() > 65535) {
            return Optional.of("MTU " + dhcp.mtu() + " is not between 576 and 65535");
        }
        Optional<String> bridge = bridgeProblem(dhcp.bridge(), links);
        if (bridge.isPresent()) {
            return bridge;
        }
        String hostEnd = OverlayNames.hostEnd("dh", dhcp.device());
        Link existing = links.get(hostEnd);
        if (existing != null && !existing.is("veth")) {
            return Optional.of("an interface named " + hostEnd + " exists and is not a veth");
        }
        return DnsmasqConfig.problem(dhcp);
    }

    private static Optional<String> bridgeProblem(String bridge, Map<String, Link> links) {
        Link link = links.get(bridge);
        if (!OverlayNames.isInterfaceName(bridge)) {
            return Optional.of("bridge '" + bridge + "' is not a valid interface name");
        }
        if (link == null) {
            return Optional.of("the host has no bridge " + bridge);
        }
        if (!link.is("bridge")) {
            return Optional.of(bridge + " is not a bridge");
        }
        return Optional.empty();
    }

    private void convergeDhcp(DhcpService dhcp, boolean exists) {
        String namespace = dhcp.namespace();
        ensureNamespace(namespace, exists);
        ensureVeth(namespace, dhcp.device(), OverlayNames.hostEnd("dh", dhcp.device()), dhcp.bridge(), dhcp.mac(), dhcp.mtu(),
                List.of(dhcp.address()));
        removeOtherDevices(namespace, Set.of(dhcp.device()));
        DnsmasqConfig.Files files = new DnsmasqConfig.Files(runDirectory.resolve(namespace));
        String config = DnsmasqConfig.config(dhcp, files);
        String hosts = DnsmasqConfig.hosts(dhcp.hosts());
        String names = DnsmasqConfig.names(dhcp.hosts());
        List<Long> running = dnsmasqIn(namespace);
        boolean configSame = config.equals(readFile(files.config()).orElse(null));
        boolean hostsSame = hosts.equals(readFile(files.hosts()).orElse(null)) && names.equals(readFile(files.names()).orElse(null));
        if (running.size() == 1 && configSame && host.commandLine(running.getFirst()).orElse("").contains(files.config().toString())) {
            if (!hostsSame) {
                writeFile(files.hosts(), hosts);
                writeFile(files.names(), names);
                host.change("kill", "-HUP", Long.toString(running.getFirst()));
            }
            return;
        }
        stopAll(running);
        writeFile(files.config(), config);
        writeFile(files.hosts(), hosts);
        writeFile(files.names(), names);
        host.change("ip", "netns", "exec", namespace, "dnsmasq", "--conf-file=" + files.config());
    }

    /** The dnsmasq processes running in the namespace (found by the namespace, not by a file). */
    private List<Long> dnsmasqIn(String namespace) {
        List<Long> pids = new ArrayList<>();
        for (String line : host.read("ip", "netns", "pids", namespace).split("\n")) {
            if (!line.isBlank()) {
                long pid = Long.parseLong(line.strip());
                if (host.commandLine(pid).orElse("").startsWith("dnsmasq")) {
                    pids.add(pid);
                }
            }
        }
        return pids;
    }

    private void stopAll(List<Long> pids) {
        for (long pid : pids) {
            host.change("kill", "-TERM", Long.toString(pid));
        }
        for (long pid : pids) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (host.commandLine(pid).isPresent() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new NetworkException("interrupted while waiting for dnsmasq " + pid + " to stop");
                }
            }
            if (host.commandLine(pid).isPresent()) {
                host.change("kill", "-KILL", Long.toString(pid));
            }
        }
    }

    // ---------------------------------------------------------------- routers

    private static Optional<String> routerProblem(OverlayRouter router, Map<String, Link> links, Set<String> seenNamespaces) {
        if (!OverlayNames.isNamespaceName(router.namespace()) || !router.namespace().startsWith(OverlayNames.ROUTER_NAMESPACE_PREFIX)) {
            return Optional.of("namespace '" + router.namespace() + "' is not a valid name starting with "
                    + OverlayNames.ROUTER_NAMESPACE_PREFIX);
        }
        if (seenNamespaces.contains(router.namespace())) {
            return Optional.of("namespace " + router.namespace() + " is asked for twice");
        }
        Set<String> devices = new HashSet<>();
        List<String[]> ends = new ArrayList<>();
        for (OverlayRouter.RouterInterface port : router.interfaces()) {
            ends.add(new String[] {port.device(), port.bridge(), port.mac(), port.address(), Integer.toString(port.mtu()), "ri"});
        }
        OverlayRouter.RouterGateway gateway = router.gateway();
        if (gateway != null) {
            ends.add(new String[] {gateway.device(), gateway.bridge(), gateway.mac(), gateway.address(), Integer.toString(gateway.mtu()), "rg"});
            if (gateway.nextHop() != null && !OverlayNames.isIpv4(gateway.nextHop())) {
                return Optional.of("next hop '" + gateway.nextHop() + "' is not an IPv4 address");
            }
        } else if (!router.floatingIps().isEmpty()) {
            return Optional.of("floating IPs need an external gateway");
        }
        for (String[] end : ends) {
            Optional<String> device = OverlayNames.interfaceProblem("device", end[0]);
            if (device.isPresent()) {
                return device;
            }
            if (end[0].length() < 4 || end[0].equals("lo")) {
                return Optional.of("device '" + end[0] + "' is shorter than 4 characters");
            }
            if (!devices.add(end[0])) {
                return Optional.of("device " + end[0] + " is asked for twice");
            }
            Optional<String> bridge = bridgeProblem(end[1], links);
            if (bridge.isPresent()) {
                return bridge;
            }
            if (!OverlayNames.isMac(end[2])) {
                return Optional.of("'" + end[2] + "' is not a MAC address");
            }
            if (!OverlayNames.isCidr(end[3])) {
                return Optional.of("address '" + end[3] + "' is not an IPv4 address with a prefix length");
            }
            int mtu = Integer.parseInt(end[4]);
            if (mtu < 576 || mtu > 65535) {
                return Optional.of("MTU " + mtu + " of " + end[0] + " is not between 576 and 65535");
            }
            String hostEnd = OverlayNames.hostEnd(end[5], end[0]);
            Link existing = links.get(hostEnd);
            if (existing != null && !existing.is("veth")) {
                return Optional.of("an interface named " + hostEnd + " exists and is not a veth");
            }
        }
        Set<String> floating = new HashSet<>();
        for (OverlayRouter.FloatingIpMapping fip : router.floatingIps()) {
            if (!OverlayNames.isIpv4(fip.floatingIp()) || !OverlayNames.isIpv4(fip.fixedIp())) {
                return Optional.of("floating IP " + fip.floatingIp() + " -> " + fip.fixedIp() + " is not two IPv4 addresses");
            }
            if (!floating.add(fip.floatingIp())) {
                return Optional.of("floating IP " + fip.floatingIp() + " is mapped twice");
            }
        }
        return Optional.empty();
    }

    private void convergeRouter(OverlayRouter router, boolean exists) {
        String namespace = router.namespace();
        ensureNamespace(namespace, exists);
        if (!host.read("ip", "netns", "exec", namespace, "sysctl", "-n", "net.ipv4.ip_forward").strip().equals("1")) {
            host.change("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        }
        Set<String> devices = new HashSet<>();
        for (OverlayRouter.RouterInterface port : router.interfaces()) {
            ensureVeth(namespace, port.device(), OverlayNames.hostEnd("ri", port.device()), port.bridge(), port.mac(), port.mtu(),
                    List.of(port.address()));
            devices.add(port.device());
        }
        OverlayRouter.RouterGateway gateway = router.gateway();
        if (gateway != null) {
            List<String> addresses = new ArrayList<>(List.of(gateway.address()));
            router.floatingIps().forEach(fip -> addresses.add(fip.floatingIp() + "/32"));
            ensureVeth(namespace, gateway.device(), OverlayNames.hostEnd("rg", gateway.device()), gateway.bridge(), gateway.mac(),
                    gateway.mtu(), addresses);
            devices.add(gateway.device());
        }
        removeOtherDevices(namespace, devices);
        JsonNode routes = OverlayLinks.json(host.read("ip", "-n", namespace, "-j", "route", "show", "default"));
        String via = routes.isEmpty() ? null : routes.get(0).path("gateway").asText(null);
        String dev = routes.isEmpty() ? null : routes.get(0).path("dev").asText(null);
        if (gateway != null && gateway.nextHop() != null) {
            if (!gateway.nextHop().equals(via) || !gateway.device().equals(dev) || routes.size() > 1) {
                host.change("ip", "-n", namespace, "route", "replace", "default", "via", gateway.nextHop(), "dev", gateway.device());
            }
        } else if (!routes.isEmpty()) {
            host.change("ip", "-n", namespace, "route", "del", "default");
        }
        Optional<String> nat = OverlayRules.routerNat(router);
        Optional<String> current = tableDigest(List.of("ip", "netns", "exec", namespace), "ip", OverlayNames.ROUTER_TABLE);
        if (nat.isPresent()) {
            if (!current.equals(Optional.of(OverlayRules.tableDigest("ip", OverlayNames.ROUTER_TABLE, nat.get())))) {
                host.change(List.of("ip", "netns", "exec", namespace, "nft", "-f", "-"),
                        OverlayRules.replaceTable("ip", OverlayNames.ROUTER_TABLE, nat.get()));
            }
        } else if (current.isPresent()) {
            host.change("ip", "netns", "exec", namespace, "nft", "delete", "table", "ip", OverlayNames.ROUTER_TABLE);
        }
    }

    /** The digest in a table's comment; empty when the table is not there (or has none). */
    private Optional<String> tableDigest(List<String> prefix, String family, String table) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("nft", "list", "table", family, table));
        String listing;
        try {
            listing = host.read(command);
        } catch (NetworkException e) {
            return Optional.empty();
        }
        Matcher matcher = COMMENT.matcher(listing);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.of("");
    }

    // ---------------------------------------------------------------- port filters

    private List<Outcome> convergePorts(List<PortFilter> ports, boolean keepForwardChain) {
        List<Outcome> outcomes = new ArrayList<>();
        List<PortFilter> filtered = new ArrayList<>();
        List<Integer> filteredIndexes = new ArrayList<>();
        Set<String> taps = new HashSet<>();
        for (PortFilter port : ports) {
            Optional<String> refusal = OverlayRules.problem(port);
            if (refusal.isEmpty() && !taps.add(port.tap())) {
                refusal = Optional.of("tap " + port.tap() + " is asked for twice");
            }
            if (refusal.isPresent()) {
                outcomes.add(refused("port", port.portId(), refusal.get()));
            } else {
                outcomes.add(new Outcome("port", port.portId(), true, null));
                if (port.portSecurity()) {
                    filtered.add(port);
                    filteredIndexes.add(outcomes.size() - 1);
                }
            }
        }
        try {
            applyPortRules(filtered, keepForwardChain);
        } catch (NetworkException e) {
            log.warn("Cannot apply the port filters: {}", e.getMessage());
            for (int index : filteredIndexes) {
                outcomes.set(index, refused("port", outcomes.get(index).id(), e.getMessage()));
            }
        }
        return outcomes;
    }

    private void applyPortRules(List<PortFilter> ports, boolean keepForwardChain) {
        if (!ports.isEmpty() || keepForwardChain) {
            // bridged IPv4 is shown to iptables (and so to connection tracking) only with this on
            String value;
            try {
                value = host.read("sysctl", "-n", "net.bridge.bridge-nf-call-iptables").strip();
            } catch (NetworkException e) {
                throw new NetworkException("this host cannot filter bridged traffic (br_netfilter): " + e.getMessage());
            }
            if (!value.equals("1")) {
                host.change("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1");
            }
        }
        Optional<String> spoofing = OverlayRules.portsAntiSpoofing(ports);
        Optional<String> current = tableDigest(List.of(), "bridge", OverlayNames.PORTS_TABLE);
        if (spoofing.isPresent()) {
            if (!current.equals(Optional.of(OverlayRules.tableDigest("bridge", OverlayNames.PORTS_TABLE, spoofing.get())))) {
                host.change(List.of("nft", "-f", "-"), OverlayRules.replaceTable("bridge", OverlayNames.PORTS_TABLE, spoofing.get()));
            }
        } else if (current.isPresent()) {
            host.change("nft", "delete", "table", "bridge", OverlayNames.PORTS_TABLE);
        }
        String script = iptablesScript(ports, keepForwardChain, host.read("iptables", "-w", "-S"));
        if (!script.isEmpty()) {
            host.change(List.of("iptables-restore", "-w", "--noflush"), script);
        }
    }

    /**
     * The iptables-restore input that makes the filter table's vireo chains hold these ports' rules,
     * from {@code iptables -S} as it is; empty when it holds them already. With no port and
     * {@code keepForwardChain} false, the chains and FORWARD's jump go; with it true, FORWARD keeps sending
     * bridged traffic to vireo-FORWARD, which accepts it: once br_netfilter shows bridged traffic to
     * iptables, a FORWARD policy of DROP (Docker's) would otherwise cut every bridge of the host.
     */
    static String iptablesScript(List<PortFilter> ports, boolean keepForwardChain, String listing) {
        List<String> jumps = new ArrayList<>();
        Set<String> chains = new LinkedHashSet<>();
        String digest = null;
        for (String line : listing.split("\n")) {
            if (line.startsWith("-N vireo-")) {
                chains.add(line.substring(3).strip());
            } else if (line.startsWith("-A FORWARD ") && line.contains("-j " + OverlayNames.FORWARD_CHAIN)) {
                jumps.add(line.substring("-A FORWARD ".length()).strip());
                Matcher matcher = FORWARD_DIGEST.matcher(line);
                if (matcher.find()) {
                    digest = matcher.group(1);
                }
            }
        }
        StringBuilder script = new StringBuilder("*filter\n");
        if (ports.isEmpty() && !keepForwardChain) {
            if (chains.isEmpty() && jumps.isEmpty()) {
                return "";
            }
            chains.forEach(chain -> script.append(':').append(chain).append(" - [0:0]\n"));
            jumps.forEach(jump -> script.append("-D FORWARD ").append(jump).append('\n'));
            chains.forEach(chain -> script.append("-X ").append(chain).append('\n'));
            return script.append("COMMIT\n").toString();
        }
        List<String> rules = OverlayRules.portChainRules(ports);
        String wanted = OverlayRules.digest(String.join("\n", rules));
        Set<String> wantedChains = new LinkedHashSet<>();
        wantedChains.add(OverlayNames.FORWARD_CHAIN);
        for (PortFilter port : ports) {
            wantedChains.add(OverlayRules.chain("i", port.tap()));
            wantedChains.add(OverlayRules.chain("o", port.tap()));
        }
        if (wanted.equals(digest) && jumps.size() == 1 && chains.equals(wantedChains)) {
            return "";
        }
        Set<String> declared = new LinkedHashSet<>(wantedChains);
        declared.addAll(chains);
        declared.forEach(chain -> script.append(':').append(chain).append(" - [0:0]\n"));
        jumps.forEach(jump -> script.append("-D FORWARD ").append(jump).append('\n'));
        rules.forEach(rule -> script.append(rule).append('\n'));
        chains.stream().filter(chain -> !wantedChains.contains(chain)).forEach(chain -> script.append("-X ").append(chain).append('\n'));
        script.append("-I FORWARD 1 ").append(OverlayRules.forwardJump(wanted)).append('\n');
        return script.append("COMMIT\n").toString();
    }

    // ---------------------------------------------------------------- what the state leaves out

    private void removeLeftovers(OverlayState state) {
        Set<String> namespacesWanted = new HashSet<>();
        state.dhcp().forEach(dhcp -> namespacesWanted.add(dhcp.namespace()));
        state.routers().forEach(router -> namespacesWanted.add(router.namespace()));
        for (String namespace : namespaces()) {
            if ((namespace.startsWith(OverlayNames.DHCP_NAMESPACE_PREFIX) || namespace.startsWith(OverlayNames.ROUTER_NAMESPACE_PREFIX))
                    && !namespacesWanted.contains(namespace)) {
                try {
                    removeNamespace(namespace);
                } catch (NetworkException e) {
                    log.warn("Cannot remove namespace {}: {}", namespace, e.getMessage());
                }
            }
        }
        Set<String> devicesWanted = new HashSet<>();
        state.segments().forEach(segment -> {
            devicesWanted.add(segment.bridge());
            devicesWanted.add(segment.vxlanDevice());
        });
        for (Link link : links(null).values()) {
            if (link.name().startsWith(OverlayNames.VXLAN_PREFIX) && link.is("vxlan") && !devicesWanted.contains(link.name())) {
                deleteLinkQuietly(link.name());
            }
        }
        Map<String, Link> links = links(null);
        for (Link link : links.values()) {
            if (link.name().startsWith(OverlayNames.BRIDGE_PREFIX) && link.is("bridge") && !devicesWanted.contains(link.name())) {
                List<String> ports = links.values().stream().filter(port -> link.name().equals(port.master())).map(Link::name).toList();
                if (ports.isEmpty()) {
                    deleteLinkQuietly(link.name());
                } else {
                    log.warn("Overlay bridge {} is in no segment any more but keeps ports {} (a VM's tap?); it is left in place",
                            link.name(), ports);
                }
            }
        }
        try (Stream<Path> directories = Files.isDirectory(runDirectory) ? Files.list(runDirectory) : Stream.empty()) {
            for (Path directory : directories.toList()) {
                if (!namespacesWanted.contains(directory.getFileName().toString())) {
                    deleteTree(directory);
                }
            }
        } catch (IOException e) {
            log.warn("Cannot clean {}: {}", runDirectory, e.getMessage());
        }
    }

    private void removeNamespace(String namespace) {
        if (namespace.startsWith(OverlayNames.DHCP_NAMESPACE_PREFIX)) {
            stopAll(dnsmasqIn(namespace));
        }
        // its interfaces first: a veth's host end would otherwise outlive the call for a moment
        for (Link link : links(namespace).values()) {
            if (!link.name().equals("lo")) {
                host.change("ip", "-n", namespace, "link", "del", "dev", link.name());
            }
        }
        host.change("ip", "netns", "del", namespace);
        deleteTree(runDirectory.resolve(namespace));
    }

    private void deleteLinkQuietly(String name) {
        try {
            host.change("ip", "link", "del", "dev", name);
        } catch (NetworkException e) {
            log.warn("Cannot remove {}: {}", name, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- reading the host

    private Map<String, Link> links(String namespace) {
        return OverlayLinks.parse(namespace == null ? host.read("ip", "-details", "-json", "addr", "show")
                : host.read("ip", "-n", namespace, "-details", "-json", "addr", "show"));
    }

    /**
     * The host's namespaces. One of ours whose name is left without a namespace behind it (its file under
     * /run/netns outlived it: a host whose /run is not a tmpfs, or a namespace torn down by hand) cannot be
     * entered ("Invalid argument"): its name is removed and it is not counted, so that it is made anew.
     */
    private Set<String> namespaces() {
        Set<String> names = new LinkedHashSet<>();
        for (String line : host.read("ip", "netns", "list").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String name = line.strip().split("\\s+")[0];
            if (name.startsWith(OverlayNames.DHCP_NAMESPACE_PREFIX) || name.startsWith(OverlayNames.ROUTER_NAMESPACE_PREFIX)) {
                try {
                    host.read("ip", "-n", name, "link", "show", "lo");
                } catch (NetworkException e) {
                    log.info("Namespace {} is a name without a namespace ({}); removing the name", name, e.getMessage());
                    try {
                        host.change("ip", "netns", "del", name);
                    } catch (NetworkException gone) {
                        log.warn("Cannot remove the name of namespace {}: {}", name, gone.getMessage());
                    }
                    continue;
                }
            }
            names.add(name);
        }
        return names;
    }

    private static Outcome refused(String kind, String id, String reason) {
        return new Outcome(kind, id, false, reason);
    }

    private static Outcome apply(String kind, String id, Runnable action) {
        return apply(kind, id, action, () -> { });
    }

    private static Outcome apply(String kind, String id, Runnable action, Runnable undo) {
        try {
            action.run();
            return new Outcome(kind, id, true, null);
        } catch (NetworkException e) {
            try {
                undo.run();
            } catch (NetworkException again) {
                log.warn("Cannot take back the half-made {} {}: {}", kind, id, again.getMessage());
            }
            return refused(kind, id, e.getMessage());
        }
    }

    private static Optional<String> readFile(Path path) {
        try {
            return Files.exists(path) ? Optional.of(Files.readString(path)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void writeFile(Path path, String text) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, text);
        } catch (IOException e) {
            throw new NetworkException("cannot write " + path + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("Cannot remove {}: {}", directory, e.getMessage());
        }
    }
}
