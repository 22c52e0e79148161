package io.vireo.engine.neutron;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * IPv4 address management of a subnet, pure (no database): the subnet's range, its gateway, its allocation
 * pools (by default every host address but the gateway), the first free address, whether a fixed IP may be
 * given, and whether subnets joined by one router overlap. Refusals are Neutron's: InvalidInput,
 * InvalidIpForSubnet, OutOfBoundsAllocationPool, OverlappingAllocationPools, GatewayConflictWithAllocationPools,
 * BadRequest for overlapping subnets on a router.
 */
final class Ipam {
    private static final Pattern DOTTED = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private Ipam() {
    }

    /** An IPv4 network: its first address and prefix length. */
    record Cidr(long network, int prefix) {
        Cidr {
            if (prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException("prefix " + prefix);
            }
        }

        long size() {
            return 1L << (32 - prefix);
        }

        long broadcast() {
            return network + size() - 1;
        }

        boolean contains(long address) {
            return address >= network && address <= broadcast();
        }

        /** An address a port may hold: inside, and neither the network's nor the broadcast address. */
        boolean isHost(long address) {
            return address > network && address < broadcast();
        }

        boolean overlaps(Cidr other) {
            return network <= other.broadcast() && other.network <= broadcast();
        }

        @Override
        public String toString() {
            return format(network) + "/" + prefix;
        }
    }

    /** An allocation pool: a range of addresses, both ends included. */
    record Pool(long start, long end) {
        String startText() {
            return format(start);
        }

        String endText() {
            return format(end);
        }

        @Override
        public String toString() {
            return format(start) + "-" + format(end);
        }
    }

    /** What a subnet request says of its gateway: nothing (the first address), none (null), or an address. */
    sealed interface Gateway {
        record Auto() implements Gateway {
        }

        record None() implements Gateway {
        }

        record Given(String address) implements Gateway {
        }
    }

    /** A subnet's range, gateway and pools, checked. */
    record Plan(Cidr cidr, Optional<Long> gateway, List<Pool> pools) {
        Plan {
            requireNonNull(cidr, "cidr");
            requireNonNull(gateway, "gateway");
            pools = List.copyOf(pools);
        }

        Optional<String> gatewayText() {
            return gateway.map(Ipam::format);
        }
    }

    /** An IPv4 address in dotted form, as a number; 400 InvalidInput naming the field if it is not one. */
    static long parse(String address, String field) {
        var matcher = address == null ? null : DOTTED.matcher(address);
        if (matcher == null || !matcher.matches()) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for " + field + ". Reason: '" + shown(address)
                    + "' is not a valid IPv4 address.");
        }
        long value = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(matcher.group(i));
            if (octet > 255 || (matcher.group(i).length() > 1 && matcher.group(i).startsWith("0"))) {
                throw NeutronErrors.badRequest("InvalidInput", "Invalid input for " + field + ". Reason: '" + shown(address)
                        + "' is not a valid IPv4 address.");
            }
            value = value << 8 | octet;
        }
        return value;
    }

    static String format(long address) {
        return (address >> 24 & 255) + "." + (address >> 16 & 255) + "." + (address >> 8 & 255) + "." + (address & 255);
    }

    /** A network in CIDR form (its host bits zero); 400 InvalidInput otherwise. */
    static Cidr cidr(String text, String field) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0 || !text.substring(slash + 1).matches("\\d{1,2}")) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for " + field + ". Reason: '" + shown(text)
                    + "' is not a valid IPv4 network in CIDR form, such as 10.0.0.0/24.");
        }
        long address = parse(text.substring(0, slash), field);
        int prefix = Integer.parseInt(text.substring(slash + 1));
        if (prefix > 32) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for " + field + ". Reason: the prefix length of '"
                    + shown(text) + "' is over 32.");
        }
        Cidr cidr = new Cidr(address & mask(prefix), prefix);
        if (cidr.network() != address) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for " + field + ". Reason: '" + shown(text)
                    + "' has host bits set; the network is " + cidr + ".");
        }
        return cidr;
    }

    /** A subnet that holds at least two host addresses (a gateway and a port): /30 at the smallest. */
    static Cidr subnetCidr(String text) {
        Cidr cidr = cidr(text, "cidr");
        if (cidr.prefix() > 30) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for cidr. Reason: " + cidr + " is too small: a "
                    + "subnet needs a prefix of /30 or shorter (it needs room for a gateway and ports).");
        }
        if (cidr.prefix() < 8) {
            throw NeutronErrors.badRequest("InvalidInput", "Invalid input for cidr. Reason: " + cidr + " is too large: a "
                    + "subnet needs a prefix of /8 or longer.");
        }
        return cidr;
    }

    /**
     * Checks a subnet's gateway and pools; without pools, every host address but the gateway.
     *
     * @param pools the pools asked for, or null for the default
     */
    static Plan plan(Cidr cidr, Gateway gateway, List<Pool> pools) {
        Optional<Long> gatewayAddress = switch (gateway) {
            case Gateway.Auto auto -> Optional.of(cidr.network() + 1);
            case Gateway.None none -> Optional.empty();
            case Gateway.Given(String address) -> {
                long value = parse(address, "gateway_ip");
                if (!cidr.isHost(value)) {
                    throw NeutronErrors.badRequest("InvalidInput", "Invalid input for operation: Gateway IP " + address
                            + " is not a host address of subnet " + cidr + ".");
                }
                yield Optional.of(value);
            }
        };
        List<Pool> checked;
        if (pools == null) {
            checked = defaultPools(cidr, gatewayAddress);
        } else {
            checked = new ArrayList<>(pools);
            checked.sort(Comparator.comparingLong(Pool::start));
            for (Pool pool : checked) {
                if (pool.start() > pool.end()) {
                    throw NeutronErrors.badRequest("InvalidInput", "Invalid input for allocation_pools. Reason: the pool "
                            + pool + " starts after it ends.");
                }
                if (!cidr.isHost(pool.start()) || !cidr.isHost(pool.end())) {
                    throw NeutronErrors.badRequest("OutOfBoundsAllocationPool", "The allocation pool " + pool
                            + " spans beyond the subnet cidr " + cidr + " (or holds its network or broadcast address).");
                }
            }
            for (int i = 1; i < checked.size(); i++) {
                if (checked.get(i).start() <= checked.get(i - 1).end()) {
                    throw NeutronErrors.badRequest("OverlappingAllocationPools", "Found overlapping allocation pools: "
                            + checked.get(i - 1) + " and " + checked.get(i) + " for subnet " + cidr + ".");
                }
            }
            gatewayAddress.ifPresent(address -> {
                for (Pool pool : checked) {
                    if (address >= pool.start() && address <= pool.end()) {
                        throw NeutronErrors.conflict("GatewayConflictWithAllocationPools", "Gateway ip " + format(address)
                                + " conflicts with allocation pool " + pool + ".");
                    }
                }
            });
        }
        return new Plan(cidr, gatewayAddress, checked);
    }

    private static List<Pool> defaultPools(Cidr cidr, Optional<Long> gateway) {
        long first = cidr.network() + 1;
        long last = cidr.broadcast() - 1;
        List<Pool> pools = new ArrayList<>();
        if (gateway.isEmpty() || gateway.get() < first || gateway.get() > last) {
            pools.add(new Pool(first, last));
            return pools;
        }
        long g = gateway.get();
        if (g > first) {
            pools.add(new Pool(first, g - 1));
        }
        if (g < last) {
            pools.add(new Pool(g + 1, last));
        }
        return pools;
    }

    /** The first address of the pools, in order, that is not taken (nor the gateway). */
    static Optional<String> firstFree(Plan plan, Set<String> taken) {
        for (Pool pool : plan.pools()) {
            for (long address = pool.start(); address <= pool.end(); address++) {
                String text = format(address);
                if (!taken.contains(text) && !plan.gateway().equals(Optional.of(address))) {
                    return Optional.of(text);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Checks an address asked for a port: a host address of the subnet (400 InvalidIpForSubnet if not), not
     * taken (409 IpAddressAlreadyAllocated), and not the gateway unless the port is the router's interface.
     * Answers the address in its canonical form.
     */
    static String fixed(Plan plan, String subnetId, String address, Set<String> taken, boolean routerInterface) {
        long value;
        try {
            value = parse(address, "fixed_ips");
        } catch (RuntimeException e) {
            throw NeutronErrors.badRequest("InvalidIpForSubnet", "IP address " + shown(address) + " is not a valid IP for "
                    + "the specified subnet " + subnetId + " (" + plan.cidr() + "): it is no IPv4 address.");
        }
        if (!plan.cidr().isHost(value)) {
            throw NeutronErrors.badRequest("InvalidIpForSubnet", "IP address " + address + " is not a valid IP for the "
                    + "specified subnet " + subnetId + ": it is not a host address of " + plan.cidr() + ".");
        }
        String canonical = format(value);
        boolean isGateway = plan.gateway().equals(Optional.of(value));
        if (taken.contains(canonical) || (isGateway && !routerInterface)) {
            throw NeutronErrors.conflict("IpAddressAlreadyAllocated", "IP address " + canonical + " already allocated in "
                    + "subnet " + subnetId + (isGateway && !taken.contains(canonical) ? " (it is the subnet's gateway)" : "")
                    + ".");
        }
        return canonical;
    }

    /** A subnet on a router, for the overlap check. */
    record Attached(String subnetId, Cidr cidr) {
    }

    /** 400 BadRequest if the new subnet's range overlaps one the router already has an interface on. */
    static void checkNoOverlap(String routerId, Attached added, Collection<Attached> existing) {
        for (Attached other : existing) {
            if (!other.subnetId().equals(added.subnetId()) && other.cidr().overlaps(added.cidr())) {
                throw NeutronErrors.badRequest("BadRequest", "Bad router request: Cidr " + added.cidr() + " of subnet "
                        + added.subnetId() + " overlaps with cidr " + other.cidr() + " of subnet " + other.subnetId()
                        + " on router " + routerId + ".");
            }
        }
    }

    private static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    static String shown(String value) {
        if (value == null) {
            return "None";
        }
        return value.length() <= 64 ? value : value.substring(0, 61) + "...";
    }
}
