package io.vireo.engine;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** This machine's names and addresses, for the agent endpoint's certificate and what agents are told to dial. */
final class NetworkAddresses {
    private NetworkAddresses() {
    }

    static String firstNonLoopback() {
        return ipv4Addresses().stream().filter(address -> !address.startsWith("127.")).findFirst().orElse("127.0.0.1");
    }

    static List<String> ipAddresses(String advertised) {
        Set<String> addresses = new LinkedHashSet<>(ipv4Addresses());
        addresses.add("127.0.0.1");
        if (advertised.matches("[0-9.]+")) {
            addresses.add(advertised);
        }
        return new ArrayList<>(addresses);
    }

    static List<String> dnsNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            // no name: the addresses suffice
        }
        return new ArrayList<>(names);
    }

    static String hostPort(String address, int port) {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    private static List<String> ipv4Addresses() {
        List<String> addresses = new ArrayList<>();
        try {
            for (NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(networkInterface.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        addresses.add(address.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            addresses.add("127.0.0.1");
        }
        return addresses;
    }
}
