package io.vireo.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vireo.model.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The interfaces of the host or of a namespace as the overlay code needs them, from {@code ip -details -json addr show}. */
final class OverlayLinks {
    private static final ObjectMapper MAPPER = Json.lenientMapper();

    private OverlayLinks() {
    }

    /**
     * @param kind ip's info_kind ("bridge", "vxlan", "veth", "tun", ...), "" for none
     * @param up administratively up (the UP flag)
     * @param addresses global addresses with their prefix lengths
     * @param lower the device a vxlan is bound to (its info_data's "link")
     */
    record Link(String name, String kind, String master, int mtu, boolean up, String mac, List<String> addresses,
                JsonNode data, String lower) {
        boolean is(String wanted) {
            return kind.equals(wanted);
        }
    }

    static Map<String, Link> parse(String json) {
        try {
            Map<String, Link> links = new LinkedHashMap<>();
            JsonNode root = MAPPER.readTree(json.isBlank() ? "[]" : json);
            for (JsonNode link : root) {
                String name = link.path("ifname").asText();
                JsonNode info = link.path("linkinfo");
                List<String> addresses = new ArrayList<>();
                for (JsonNode address : link.path("addr_info")) {
                    if (address.path("family").asText("inet").equals("inet") && !address.path("scope").asText().equals("link")
                            && !address.path("scope").asText().equals("host") && address.has("local")) {
                        addresses.add(address.path("local").asText() + "/" + address.path("prefixlen").asInt());
                    }
                }
                boolean up = false;
                for (JsonNode flag : link.path("flags")) {
                    up |= flag.asText().equals("UP");
                }
                links.put(name, new Link(name, info.path("info_kind").asText(""), text(link, "master"), link.path("mtu").asInt(),
                        up, text(link, "address"), addresses, info.path("info_data"), text(info.path("info_data"), "link")));
            }
            return links;
        } catch (IOException e) {
            throw new NetworkException("cannot read the output of ip: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.isBlank() ? "[]" : text);
        } catch (IOException e) {
            throw new NetworkException("cannot read JSON output: " + e.getMessage());
        }
    }
}
