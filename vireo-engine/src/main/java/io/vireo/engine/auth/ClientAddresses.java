package io.vireo.engine.auth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The key under which logins from a client address are counted. An IPv6 client usually holds a
 * whole /64 and can pick a new address in it for every request, so its /64 is the key; an IPv4
 * address (also when IPv4-mapped) is its own key.
 */
final class ClientAddresses {
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+(%.*)?");

    private ClientAddresses() {
    }

    static String key(String address) {
        if (address == null || address.isBlank()) {
            return "unknown";
        }
        if (!LITERAL.matcher(address).matches()) {
            return address;
        }
        try {
            // a literal: no name is looked up
            InetAddress parsed = InetAddress.getByName(address);
            if (parsed instanceof Inet4Address) {
                return parsed.getHostAddress();
            }
            if (parsed instanceof Inet6Address) {
                byte[] prefix = new byte[16];
                System.arraycopy(parsed.getAddress(), 0, prefix, 0, 8);
                return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
            }
            return address;
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
