package io.vireo.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The lab's wiring: a switch namespace with bridge br0, one namespace per host veth'd into it, and
 * a leg from the root namespace so that the engine and tests can reach the hosts and be reached.
 * A second switch, bridge br1 in the same namespace, is the guests' network: each host's eth1 is a
 * port of it and carries no address (what a VM network is bridged on); a test may give br1 an
 * address of 10.231.128.0/24 and run a DHCP server there ({@link LabDhcp}).
 * Nothing routes 10.231.0.0/16 anywhere else: there is no default route and no forwarding.
 */
final class LabNetwork
{
    static final String NAMESPACE_PREFIX = "vlab-";
    static final String SWITCH_NAMESPACE = "vlab-net";
    static final String ROOT_INTERFACE = "vlab-root";
    static final String SUBNET_PREFIX = "10.231.0.";
    static final int PREFIX_LENGTH = 24;
    static final String SWITCH_ADDRESS = SUBNET_PREFIX + "254";
    static final String ROOT_ADDRESS = SUBNET_PREFIX + "250";
    /** Host addresses end in 1..MAX_HOSTS; .250 and .254 are taken. */
    static final int MAX_HOSTS = 200;
    /** The guests' switch, and each host's interface on it. */
    static final String GUEST_SWITCH = "br1";
    static final String GUEST_INTERFACE = "eth1";

    private LabNetwork() {}

    static void createSwitch()
    {
        Commands.check("ip", "netns", "add", SWITCH_NAMESPACE);
        ip(SWITCH_NAMESPACE, "link", "set", "lo", "up");
        ip(SWITCH_NAMESPACE, "link", "add", "br0", "type", "bridge");
        ip(SWITCH_NAMESPACE, "addr", "add", SWITCH_ADDRESS + "/" + PREFIX_LENGTH, "dev", "br0");
        ip(SWITCH_NAMESPACE, "link", "set", "br0", "up");
        ip(SWITCH_NAMESPACE, "link", "add", GUEST_SWITCH, "type", "bridge");
        ip(SWITCH_NAMESPACE, "link", "set", GUEST_SWITCH, "up");
    }

    /** The host's eth0 in its own namespace, wired to port to-NAME of the switch. */
    static void addHost(String name, String netns, String address)
    {
        Commands.check("ip", "netns", "add", netns);
        ip(netns, "link", "set", "lo", "up");
        Commands.check("ip", "link", "add", "name", switchPort(name), "netns", SWITCH_NAMESPACE,
                "type", "veth", "peer", "name", "eth0", "netns", netns);
        ip(SWITCH_NAMESPACE, "link", "set", switchPort(name), "master", "br0", "up");
        ip(netns, "addr", "add", address + "/" + PREFIX_LENGTH, "dev", "eth0");
        ip(netns, "link", "set", "eth0", "up");
        Commands.check("ip", "link", "add", "name", guestSwitchPort(name), "netns", SWITCH_NAMESPACE,
                "type", "veth", "peer", "name", GUEST_INTERFACE, "netns", netns);
        ip(SWITCH_NAMESPACE, "link", "set", guestSwitchPort(name), "master", GUEST_SWITCH, "up");
        ip(netns, "link", "set", GUEST_INTERFACE, "up");
    }

    static String guestSwitchPort(String name)
    {
        return "tg-" + name;
    }

    static void addRootLeg()
    {
        Commands.check("ip", "link", "add", "name", ROOT_INTERFACE, "type", "veth", "peer", "name", "to-root", "netns", SWITCH_NAMESPACE);
        ip(SWITCH_NAMESPACE, "link", "set", "to-root", "master", "br0", "up");
        // The lab stays closed even on a machine that forwards between its other interfaces.
        try {
            Files.writeString(Path.of("/proc/sys/net/ipv4/conf", ROOT_INTERFACE, "forwarding"), "0\n");
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot turn forwarding off on " + ROOT_INTERFACE, e);
        }
        Commands.check("ip", "addr", "add", ROOT_ADDRESS + "/" + PREFIX_LENGTH, "dev", ROOT_INTERFACE);
        Commands.check("ip", "link", "set", ROOT_INTERFACE, "up");
    }

    /** Pulls the host's cable out of the switch (or plugs it back): its eth0 keeps its address. */
    static void setHostCable(String name, boolean connected)
    {
        ip(SWITCH_NAMESPACE, "link", "set", switchPort(name), connected ? "up" : "down");
    }

    static String switchPort(String name)
    {
        return "to-" + name;
    }

    static List<String> labNamespaces()
    {
        return Commands.check("ip", "netns", "list").lines()
                .map(line -> line.split("\\s+")[0])
                .filter(name -> name.startsWith(NAMESPACE_PREFIX))
                .toList();
    }

    /** PIDs of every process whose network namespace is netns; empty when it is gone. */
    static List<Long> processesIn(String netns)
    {
        Commands.Result result = Commands.run("ip", "netns", "pids", netns);
        if (!result.succeeded()) {
            return List.of();
        }
        return result.stdout().lines().map(String::strip).filter(line -> !line.isEmpty()).map(Long::parseLong).toList();
    }

    static void deleteRootLeg()
    {
        if (Files.exists(Path.of("/sys/class/net", ROOT_INTERFACE))) {
            Commands.run("ip", "link", "del", ROOT_INTERFACE);
        }
    }

    static void deleteNamespace(String netns)
    {
        Commands.run("ip", "netns", "del", netns);
        Path file = Path.of("/run/netns", netns);
        if (Files.exists(file)) {
            // A name whose namespace file is no longer a mount point: ip refuses to delete it.
            Commands.run("umount", "-l", file.toString());
            Commands.run("rm", "-f", file.toString());
        }
    }

    static void ip(String netns, String... arguments)
    {
        String[] command = new String[arguments.length + 3];
        command[0] = "ip";
        command[1] = "-n";
        command[2] = netns;
        System.arraycopy(arguments, 0, command, 3, arguments.length);
        Commands.check(command);
    }
}
