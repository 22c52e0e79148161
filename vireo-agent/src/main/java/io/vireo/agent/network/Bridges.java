package io.vireo.agent.network;

import io.vireo.model.rpc.BridgeOutcome;
import io.vireo.model.rpc.BridgedNetwork;
import io.vireo.model.rpc.HostNic;
import io.vireo.model.rpc.NicKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Brings the host to carry networks as bridges, idempotently: for each network, the VLAN
 * sub-interface (if tagged), the bridge, its port, the MTU, all up. Every check runs before anything
 * is changed, so a refused network leaves the host as it was.
 *
 * <p>The management network is never broken. A port that holds IP addresses (the host's management
 * interface, typically: the one it reaches the engine through) is bridged as oVirt bridges its
 * management network: its addresses and the routes through it (the default route) move onto the
 * bridge; then the host must reach its engine within {@link #ENGINE_CHECK} ({@link EngineProbe}), or
 * everything is put back as it was (the port leaves the bridge, its addresses and routes return to it,
 * the bridge goes) and the network is refused with the reason. A bridge that holds addresses gives them
 * (and their routes) back to its port before it goes, under the same check.
 */
public final class Bridges {
    /** How long the host has to reach its engine after its addresses moved onto a bridge. */
    public static final java.time.Duration ENGINE_CHECK = java.time.Duration.ofSeconds(10);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Bridges.class);
    /** A Linux interface name (IFNAMSIZ 16 with its NUL): 1 to 15 characters, none of '/', ':' or white space. */
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    /** The bridges Vireo makes; only those does it ever remove. */
    static final String VIREO_BRIDGE_PREFIX = "vn";

    private final Links links;
    private final EngineProbe engine;
    private final java.time.Duration engineCheck;

    public Bridges(Links links, EngineProbe engine) {
        this(links, engine, ENGINE_CHECK);
    }

    public Bridges(Links links, EngineProbe engine, java.time.Duration engineCheck) {
        this.links = requireNonNull(links, "links");
        this.engine = requireNonNull(engine, "engine");
        this.engineCheck = requireNonNull(engineCheck, "engineCheck");
    }

    public List<HostNic> interfaces() {
        return links.interfaces();
    }

    public List<BridgeOutcome> ensureBridged(List<BridgedNetwork> networks) {
        Map<String, HostNic> nics = byName(links.interfaces());
        Set<String> uplinksClaimed = new HashSet<>();
        Set<String> bridgesClaimed = new HashSet<>();
        List<BridgeOutcome> outcomes = new ArrayList<>();
        for (BridgedNetwork network : networks) {
            Optional<String> refusal = refusal(network, nics, uplinksClaimed, bridgesClaimed);
            if (refusal.isPresent()) {
                outcomes.add(BridgeOutcome.refused(network.bridge(), refusal.get()));
                continue;
            }
            uplinksClaimed.add(network.uplink());
            bridgesClaimed.add(network.bridge());
            try {
                apply(network, nics);
                outcomes.add(BridgeOutcome.carried(network.bridge()));
            } catch (NetworkException e) {
                outcomes.add(BridgeOutcome.refused(network.bridge(), e.getMessage()));
            }
            nics = byName(links.interfaces());
        }
        return outcomes;
    }

    /** Why the host must not carry this network as asked, if it must not; checks only, changes nothing. */
    static Optional<String> refusal(BridgedNetwork network, Map<String, HostNic> nics, Set<String> uplinksClaimed,
                                    Set<String> bridgesClaimed) {
        String bridge = network.bridge();
        String uplink = network.uplink();
        for (String name : List.of(bridge, network.hostNic(), uplink)) {
            if (!IFNAME.matcher(name).matches()) {
                return Optional.of("'" + name + "' is not a valid interface name: 1 to 15 letters, digits, '.', '_' or '-'");
            }
        }
        if (network.vlanId() != null && (network.vlanId() < 1 || network.vlanId() > 4094)) {
            return Optional.of("VLAN id " + network.vlanId() + " is not between 1 and 4094");
        }
        if (network.mtu() < 68 || network.mtu() > 65535) {
            return Optional.of("MTU " + network.mtu() + " is not between 68 and 65535");
        }
        if (bridgesClaimed.contains(bridge)) {
            return Optional.of("bridge " + bridge + " is asked for twice");
        }
        if (uplinksClaimed.contains(uplink)) {
            return Optional.of(uplink + " is the port of another network's bridge in the same request");
        }
        HostNic hostNic = nics.get(network.hostNic());
        if (hostNic == null) {
            return Optional.of("the host has no interface " + network.hostNic());
        }
        if (hostNic.kind() == NicKind.BRIDGE) {
            return Optional.of(network.hostNic() + " is a bridge, not an interface a bridge can be built on");
        }
        HostNic existingBridge = nics.get(bridge);
        if (existingBridge != null && existingBridge.kind() != NicKind.BRIDGE) {
            return Optional.of("an interface named " + bridge + " exists and is not a bridge");
        }
        HostNic port = nics.get(uplink);
        if (port != null) {
            if (port.master() != null && !port.master().equals(bridge)) {
                return Optional.of(uplink + " is a port of " + port.master() + " already");
            }
            if (network.vlanId() != null && (port.kind() != NicKind.VLAN || !network.vlanId().equals(port.vlanId())
                    || !network.hostNic().equals(port.vlanParent()))) {
                return Optional.of("an interface named " + uplink + " exists and is not VLAN " + network.vlanId() + " on "
                        + network.hostNic());
            }
        }
        if (network.vlanId() != null && hostNic.master() != null) {
            return Optional.of(network.hostNic() + " is a port of " + hostNic.master() + ": a VLAN on it would not see its frames");
        }
        return Optional.empty();
    }

    /**
     * Applies the network; when its port holds addresses, they move onto the bridge with their routes
     * and the engine must answer afterwards, else all of it is undone and the network refused.
     */
    private void apply(BridgedNetwork network, Map<String, HostNic> nics) {
        HostNic port = nics.get(network.uplink());
        List<String> addresses = port == null ? List.of() : port.addresses();
        if (addresses.isEmpty()) {
            build(network, nics);
            return;
        }
        List<Routes.Route> routes = Routes.of(links, network.uplink());
        boolean bridgeExisted = nics.containsKey(network.bridge());
        try {
            build(network, nics);
            move(addresses, routes, network.uplink(), network.bridge());
        } catch (NetworkException e) {
            rollBack(network, addresses, routes, bridgeExisted);
            throw new NetworkException(e.getMessage() + "; " + network.uplink() + " was put back as it was");
        }
        if (!engine.reachable(engineCheck)) {
            rollBack(network, addresses, routes, bridgeExisted);
            throw new NetworkException("the engine was not reachable within " + engineCheck.toSeconds() + " s after "
                    + String.join(", ", addresses) + " moved from " + network.uplink() + " onto bridge " + network.bridge()
                    + "; rolled back: " + network.uplink() + " has its addresses and routes again");
        }
    }

    /** The addresses onto the bridge (before they leave the port, so the host keeps them throughout), then the routes. */
    private void move(List<String> addresses, List<Routes.Route> routes, String from, String to) {
        for (String address : addresses) {
            links.ip("addr", "replace", address, "dev", to);
        }
        for (String address : addresses) {
            links.ip("addr", "del", address, "dev", from);
        }
        for (Routes.Route route : routes) {
            links.ip(route.replaceOn(to).toArray(String[]::new));
        }
    }

    /** Puts the port back as it was before apply; each step tried even when one before it failed. */
    private void rollBack(BridgedNetwork network, List<String> addresses, List<Routes.Route> routes, boolean bridgeExisted) {
        String bridge = network.bridge();
        String uplink = network.uplink();
        List<Runnable> steps = new ArrayList<>();
        steps.add(() -> links.ip("link", "set", "dev", uplink, "nomaster"));
        for (String address : addresses) {
            steps.add(() -> links.ip("addr", "replace", address, "dev", uplink));
        }
        for (String address : addresses) {
            steps.add(() -> links.ip("addr", "del", address, "dev", bridge));
        }
        for (Routes.Route route : routes) {
            steps.add(() -> links.ip(route.replaceOn(uplink).toArray(String[]::new)));
        }
        if (!bridgeExisted) {
            steps.add(() -> links.ip("link", "del", "dev", bridge));
        }
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (NetworkException e) {
                log.warn("rolling back bridge {} on {}: {}", bridge, uplink, e.getMessage());
            }
        }
    }

    private void build(BridgedNetwork network, Map<String, HostNic> nics) {
        String bridge = network.bridge();
        String uplink = network.uplink();
        String mtu = Integer.toString(network.mtu());
        HostNic hostNic = nics.get(network.hostNic());
        if (network.vlanId() != null) {
            // a VLAN interface cannot be larger than its parent
            if (hostNic.mtu() < network.mtu()) {
                links.ip("link", "set", "dev", network.hostNic(), "mtu", mtu);
            }
            links.ip("link", "set", "dev", network.hostNic(), "up");
            if (!nics.containsKey(uplink)) {
                links.ip("link", "add", "link", network.hostNic(), "name", uplink, "type", "vlan", "id",
                        Integer.toString(network.vlanId()));
            }
        }
        if (!nics.containsKey(bridge)) {
            links.ip("link", "add", "name", bridge, "type", "bridge");
        }
        HostNic port = nics.get(uplink);
        if (port == null || port.mtu() != network.mtu()) {
            links.ip("link", "set", "dev", uplink, "mtu", mtu);
        }
        if (port == null || !bridge.equals(port.master())) {
            links.ip("link", "set", "dev", uplink, "master", bridge);
        }
        HostNic existingBridge = nics.get(bridge);
        if (existingBridge == null || existingBridge.mtu() != network.mtu()) {
            links.ip("link", "set", "dev", bridge, "mtu", mtu);
        }
        links.ip("link", "set", "dev", uplink, "up");
        links.ip("link", "set", "dev", bridge, "up");
    }

    /**
     * Removes the bridges (and the VLAN sub-interfaces that were their ports); keeps one that a VM's
     * interface is still a port of, one that is no bridge, and any bridge Vireo did not name.
     * Outcome carried = the bridge is still there.
     */
    public List<BridgeOutcome> ensureRemoved(List<String> bridges) {
        List<BridgeOutcome> outcomes = new ArrayList<>();
        for (String bridge : bridges) {
            Map<String, HostNic> nics = byName(links.interfaces());
            HostNic existing = nics.get(bridge);
            if (existing == null) {
                outcomes.add(new BridgeOutcome(bridge, false, null));
                continue;
            }
            if (!bridge.startsWith(VIREO_BRIDGE_PREFIX) || existing.kind() != NicKind.BRIDGE) {
                outcomes.add(new BridgeOutcome(bridge, true, bridge + " is not a bridge Vireo made; it is left alone"));
                continue;
            }
            List<HostNic> ports = nics.values().stream().filter(nic -> bridge.equals(nic.master())).toList();
            List<String> guests = ports.stream().filter(nic -> nic.kind() == NicKind.OTHER).map(HostNic::name).toList();
            if (!guests.isEmpty()) {
                outcomes.add(new BridgeOutcome(bridge, true, "VM interfaces " + String.join(", ", guests)
                        + " are still ports of " + bridge));
                continue;
            }
            if (!existing.addresses().isEmpty()) {
                Optional<String> refusal = giveBack(existing, ports);
                if (refusal.isPresent()) {
                    outcomes.add(new BridgeOutcome(bridge, true, refusal.get()));
                    continue;
                }
            }
            try {
                for (HostNic port : ports) {
                    if (port.kind() == NicKind.VLAN) {
                        links.ip("link", "del", "dev", port.name());
                    } else {
                        links.ip("link", "set", "dev", port.name(), "nomaster");
                    }
                }
                links.ip("link", "del", "dev", bridge);
                outcomes.add(new BridgeOutcome(bridge, false, null));
            } catch (NetworkException e) {
                outcomes.add(new BridgeOutcome(bridge, true, e.getMessage()));
            }
        }
        return outcomes;
    }

    /**
     * Before a bridge that holds the host's addresses goes, they go back to its port with their routes,
     * and the engine must still answer; else the bridge is put back as it was and stays. Answers why it
     * must stay, if it must.
     */
    private Optional<String> giveBack(HostNic bridge, List<HostNic> ports) {
        List<String> addresses = bridge.addresses();
        if (ports.size() != 1 || ports.getFirst().kind() == NicKind.VLAN) {
            return Optional.of(bridge.name() + " carries " + String.join(", ", addresses) + " and has no single interface to give "
                    + "them back to; removing it could cut the host off the engine, so it stays");
        }
        String port = ports.getFirst().name();
        List<Routes.Route> routes;
        try {
            routes = Routes.of(links, bridge.name());
            links.ip("link", "set", "dev", port, "nomaster");
            move(addresses, routes, bridge.name(), port);
        } catch (NetworkException e) {
            reBridge(bridge.name(), port, addresses);
            return Optional.of("giving " + String.join(", ", addresses) + " back to " + port + " failed (" + e.getMessage()
                    + "); " + bridge.name() + " stays as it was");
        }
        if (!engine.reachable(engineCheck)) {
            reBridge(bridge.name(), port, addresses);
            try {
                for (Routes.Route route : routes) {
                    links.ip(route.replaceOn(bridge.name()).toArray(String[]::new));
                }
            } catch (NetworkException e) {
                log.warn("rolling back the removal of bridge {}: {}", bridge.name(), e.getMessage());
            }
            return Optional.of("the engine was not reachable within " + engineCheck.toSeconds() + " s after "
                    + String.join(", ", addresses) + " moved from bridge " + bridge.name() + " back to " + port + "; rolled back: "
                    + bridge.name() + " stays with them");
        }
        return Optional.empty();
    }

    /** The port into the bridge again, the addresses onto the bridge; each step tried even when one before it failed. */
    private void reBridge(String bridge, String port, List<String> addresses) {
        List<Runnable> steps = new ArrayList<>();
        steps.add(() -> links.ip("link", "set", "dev", port, "master", bridge));
        for (String address : addresses) {
            steps.add(() -> links.ip("addr", "replace", address, "dev", bridge));
            steps.add(() -> links.ip("addr", "del", address, "dev", port));
        }
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (NetworkException e) {
                log.warn("rolling back the removal of bridge {}: {}", bridge, e.getMessage());
            }
        }
    }

    private static Map<String, HostNic> byName(List<HostNic> nics) {
        return nics.stream().collect(Collectors.toMap(HostNic::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }
}
