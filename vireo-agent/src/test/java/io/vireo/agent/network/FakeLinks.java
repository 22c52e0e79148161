package io.vireo.agent.network;

import io.vireo.model.rpc.HostNic;
import io.vireo.model.rpc.NicKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake host for the unit tests of {@link Bridges} only: interfaces in memory, and the ip commands it
 * was given, applied to them (link add bridge/vlan, set master/nomaster/mtu/up, del) and recorded.
 */
final class FakeLinks implements Links {
    final Map<String, HostNic> nics = new LinkedHashMap<>();
    final List<String> commands = new ArrayList<>();
    /** ip -json route show dev X, by the arguments' family and device: JSON as ip prints it. */
    final Map<String, String> routes = new java.util.HashMap<>();
    String failOn;

    FakeLinks with(HostNic nic) {
        nics.put(nic.name(), nic);
        return this;
    }

    static HostNic nic(String name, NicKind kind, String... addresses) {
        return new HostNic(name, "52:54:00:00:00:01", 1500, true, List.of(addresses), kind, null, null, null);
    }

    @Override
    public List<HostNic> interfaces() {
        return List.copyOf(nics.values());
    }

    @Override
    public void ip(String... arguments) {
        String command = String.join(" ", arguments);
        commands.add(command);
        if (failOn != null && command.contains(failOn)) {
            throw new NetworkException("ip " + command + " failed: RTNETLINK answers: Operation not permitted");
        }
        List<String> a = List.of(arguments);
        if (a.get(0).equals("addr")) {
            HostNic nic = nics.get(a.get(4));
            List<String> addresses = new ArrayList<>(nic.addresses());
            addresses.remove(a.get(2));
            if (a.get(1).equals("replace")) {
                addresses.add(a.get(2));
            }
            nics.put(nic.name(), new HostNic(nic.name(), nic.mac(), nic.mtu(), nic.up(), addresses, nic.kind(), nic.master(),
                    nic.vlanId(), nic.vlanParent()));
            return;
        }
        if (a.get(1).equals("route")) {
            return;
        }
        if (a.get(1).equals("add") && a.contains("bridge")) {
            String name = a.get(a.indexOf("name") + 1);
            nics.put(name, new HostNic(name, "52:54:00:00:00:09", 1500, false, List.of(), NicKind.BRIDGE, null, null, null));
        } else if (a.get(1).equals("add") && a.contains("vlan")) {
            String name = a.get(a.indexOf("name") + 1);
            nics.put(name, new HostNic(name, "52:54:00:00:00:0a", 1500, false, List.of(), NicKind.VLAN, null,
                    Integer.parseInt(a.get(a.indexOf("id") + 1)), a.get(a.indexOf("link") + 1)));
        } else if (a.get(1).equals("del")) {
            nics.remove(a.get(3));
        } else if (a.get(1).equals("set")) {
            HostNic nic = nics.get(a.get(3));
            String what = a.get(4);
            nics.put(nic.name(), switch (what) {
                case "master" -> copy(nic, nic.mtu(), nic.up(), a.get(5));
                case "nomaster" -> copy(nic, nic.mtu(), nic.up(), null);
                case "mtu" -> copy(nic, Integer.parseInt(a.get(5)), nic.up(), nic.master());
                case "up" -> copy(nic, nic.mtu(), true, nic.master());
                default -> throw new IllegalArgumentException(command);
            });
        }
    }

    @Override
    public String output(String... arguments) {
        commands.add(String.join(" ", arguments));
        return routes.getOrDefault(arguments[0] + " " + arguments[arguments.length - 1], "[]");
    }

    private static HostNic copy(HostNic nic, int mtu, boolean up, String master) {
        return new HostNic(nic.name(), nic.mac(), mtu, up, nic.addresses(), nic.kind(), master, nic.vlanId(), nic.vlanParent());
    }
}
