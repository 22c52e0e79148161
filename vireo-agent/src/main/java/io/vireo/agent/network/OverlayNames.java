package io.vireo.agent.network;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names the overlay data path uses on a host and the checks of what the engine sends. Everything the
 * agent owns is told by its name: bridges {@code brq*}, vxlan devices {@code vxlan-*}, namespaces
 * {@code qdhcp-*} and {@code qrouter-*}, the nftables tables {@code vireo-*} and iptables chains {@code vireo-*}.
 */
public final class OverlayNames {
    static final String BRIDGE_PREFIX = "brq";
    static final String VXLAN_PREFIX = "vxlan-";
    static final String DHCP_NAMESPACE_PREFIX = "qdhcp-";
    static final String ROUTER_NAMESPACE_PREFIX = "qrouter-";
    /** The nftables table of a router's NAT, in its namespace. */
    static final String ROUTER_TABLE = "vireo-router";
    /** The nftables bridge-family table of the port filters' anti-spoofing, in the host's namespace. */
    static final String PORTS_TABLE = "vireo-ports";
    /** The iptables chain (filter table) FORWARD jumps to for bridged traffic; every per-port chain is vireo-*. */
    static final String FORWARD_CHAIN = "vireo-FORWARD";
    static final int VXLAN_PORT = 4789;

    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,200}");
    private static final Pattern MAC = Pattern.compile("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private OverlayNames() {
    }

    /**
     * The host end of the veth pair whose other end, {@code device}, lives in a namespace: a two-letter tag
     * of what it serves ("dh" DHCP, "ri" a router's inner interface, "rg" its gateway) and the device's name
     * after its own three-letter prefix (tap, qr-, qg-), so at most 14 characters.
     */
    static String hostEnd(String tag, String device) {
        return tag + device.substring(Math.min(3, device.length() - 1));
    }

    static boolean isInterfaceName(String name) {
        return name != null && IFNAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    static boolean isNamespaceName(String name) {
        return name != null && NAMESPACE.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    static boolean isMac(String mac) {
        return mac != null && MAC.matcher(mac).matches();
    }

    static boolean isIpv4(String address) {
        return address != null && IPV4.matcher(address).matches();
    }

    /** An IPv4 address with a prefix length, e.g. 10.0.0.2/24. */
    static boolean isCidr(String cidr) {
        if (cidr == null) {
            return false;
        }
        int slash = cidr.indexOf('/');
        if (slash < 0 || !isIpv4(cidr.substring(0, slash))) {
            return false;
        }
        try {
            int length = Integer.parseInt(cidr.substring(slash + 1));
            return length >= 0 && length <= 32 && cidr.substring(slash + 1).equals(Integer.toString(length));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static Optional<String> interfaceProblem(String what, String name) {
        return isInterfaceName(name) ? Optional.empty()
                : Optional.of(what + " '" + name + "' is not a valid interface name: 1 to 15 letters, digits, '.', '_' or '-'");
    }

    /** 255.255.255.0 for 24. */
    static String netmask(int prefixLength) {
        long mask = prefixLength == 0 ? 0 : (0xffffffffL << (32 - prefixLength)) & 0xffffffffL;
        return ((mask >> 24) & 255) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
    }

    /** The address part of 10.0.0.2/24. */
    static String address(String cidr) {
        int slash = cidr.indexOf('/');
        return slash < 0 ? cidr : cidr.substring(0, slash);
    }

    static int prefixLength(String cidr) {
        return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    }
}
