package io.vireo.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The routes through one interface that the kernel does not make by itself (a default route, a static
 * one; not a subnet's own route, which comes with its address): what must follow an address that moves
 * to another interface, and come back with it.
 */
final class Routes {
    private static final ObjectMapper MAPPER = Json.lenientMapper();

    private Routes() {
    }

    /** One route as {@code ip -json route show dev X} shows it; family "-4" or "-6". */
    record Route(String family, String dst, String gateway, Integer metric, String protocol, String scope, String source) {
        /** The arguments of ip that put this route on the device. */
        List<String> replaceOn(String device) {
            List<String> arguments = new ArrayList<>(List.of(family, "route", "replace", dst));
            if (gateway != null) {
                arguments.addAll(List.of("via", gateway));
            }
            arguments.addAll(List.of("dev", device));
            if (metric != null) {
                arguments.addAll(List.of("metric", Integer.toString(metric)));
            }
            if (protocol != null) {
                arguments.addAll(List.of("proto", protocol));
            }
            if (scope != null && !scope.equals("global")) {
                arguments.addAll(List.of("scope", scope));
            }
            if (source != null) {
                arguments.addAll(List.of("src", source));
            }
            return arguments;
        }
    }

    /** The device's routes that must move with its addresses, IPv4 and IPv6. */
    static List<Route> of(Links links, String device) {
        List<Route> routes = new ArrayList<>(parse(links.output("-4", "-json", "route", "show", "dev", device), "-4"));
        routes.addAll(parse(links.output("-6", "-json", "route", "show", "dev", device), "-6"));
        return routes;
    }

    static List<Route> parse(String json, String family) {
        try {
            List<Route> routes = new ArrayList<>();
            if (json == null || json.isBlank()) {
                return routes;
            }
            for (JsonNode route : MAPPER.readTree(json)) {
                String protocol = text(route, "protocol");
                String dst = text(route, "dst");
                if ("kernel".equals(protocol) || dst == null || dst.startsWith("fe80:") || dst.startsWith("multicast")) {
                    continue;
                }
                routes.add(new Route(family, dst, text(route, "gateway"), route.has("metric") ? route.get("metric").asInt() : null,
                        protocol, text(route, "scope"), text(route, "prefsrc")));
            }
            return routes;
        } catch (IOException e) {
            throw new NetworkException("cannot read the output of ip route: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
