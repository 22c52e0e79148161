package io.vireo.engine.networks;

import io.vireo.engine.common.InvalidInputException;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * MAC addresses of VM NICs: checks of one a client gives, and the data center's pool that the engine
 * takes from otherwise: 56:6f:xx:xx:xx:xx ("Vo"), locally administered and unicast, 2^32 addresses,
 * drawn at random (uniqueness in the data center is the database's unique index's to decide).
 */
final class MacAddresses {
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    static final String POOL_PREFIX = "56:6f";
    private static final SecureRandom RANDOM = new SecureRandom();

    private MacAddresses() {
    }

    /** The MAC in canonical form (lower case, colons), or a refusal that says what is wrong with it. */
    static String check(String field, String value) {
        String mac = value.strip().toLowerCase(Locale.ROOT).replace('-', ':');
        if (!MAC.matcher(mac).matches()) {
            throw InvalidInputException.invalid(field, "The " + field + " '" + abbreviate(value)
                    + "' is not a MAC address: write six pairs of hex digits separated by colons, like 56:6f:00:00:00:01");
        }
        int first = Integer.parseInt(mac.substring(0, 2), 16);
        if ((first & 1) != 0) {
            throw InvalidInputException.invalid(field, "The " + field + " " + mac
                    + " is a multicast address (the lowest bit of its first byte is set); a NIC needs a unicast one");
        }
        if (mac.equals("00:00:00:00:00:00")) {
            throw InvalidInputException.invalid(field, "The " + field + " 00:00:00:00:00:00 is not a usable address");
        }
        return mac;
    }

    /** A random address of the pool. */
    static String next() {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return POOL_PREFIX + ":" + HexFormat.ofDelimiter(":").formatHex(bytes);
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 37) + "...";
    }
}
