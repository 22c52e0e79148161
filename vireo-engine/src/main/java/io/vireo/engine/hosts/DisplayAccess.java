package io.vireo.engine.hosts;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where the engine may connect for a VM's display: a host address that is no loopback, link-local,
 * unspecified or multicast address (unless the engine is all-in-one, whose one host is this machine),
 * and a port in the display range. The console proxy and the .vv files connect only where this allows,
 * so neither a host's address nor a port an agent reports can turn the proxy into a relay to
 * anything else (the engine's own services, a cloud's metadata address).
 *
 * @param firstPort the lowest display port, 5900 by default (QEMU's first VNC port)
 * @param lastPort the highest
 * @param localHostAddresses whether hosts may have loopback and link-local addresses (all-in-one only)
 */
public record DisplayAccess(int firstPort, int lastPort, boolean localHostAddresses) {
    public DisplayAccess {
        if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort) {
            throw new IllegalArgumentException("the display port range must lie within 1-65535, first port first: "
                    + firstPort + "-" + lastPort);
        }
    }

    public static DisplayAccess defaults() {
        return new DisplayAccess(5900, 65535, false);
    }

    /** The range written as FIRST-LAST, as the command line takes it. */
    public static DisplayAccess parse(String range, boolean localHostAddresses) {
        String[] parts = range.strip().split("-");
        try {
            if (parts.length == 2) {
                return new DisplayAccess(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()), localHostAddresses);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("a display port range is written FIRST-LAST, e.g. 5900-65535, not " + range);
    }

    public boolean portAllowed(int port) {
        return port >= firstPort && port <= lastPort;
    }

    /** Why the engine may not connect to this address, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        if (localHostAddresses) {
            return Optional.empty();
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        return Optional.empty();
    }

    /**
     * Why a host may not have this address (an IP address, or a name that resolves to one of the
     * refused kinds), or empty when it may. A name that does not resolve now is allowed: it is checked
     * again at each connection.
     */
    public Optional<String> refusal(String address) {
        try {
            for (InetAddress resolved : InetAddress.getAllByName(address)) {
                Optional<String> refusal = refusal(resolved);
                if (refusal.isPresent()) {
                    return refusal;
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
