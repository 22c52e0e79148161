package io.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Lets the CLI take a name where the API wants an id: `vireo vm start web1`. */
final class Names {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Names() {
    }

    /** The id of the item of the collection with that name, or the argument itself when it is an id. */
    static String resolve(ApiClient client, String collection, String nameOrId) throws Exception {
        if (nameOrId == null || UUID.matcher(nameOrId).matches()) {
            return nameOrId;
        }
        // every list takes ?search=name=...; names hold no characters the search syntax gives a meaning to
        JsonNode items = client.get("/api/" + collection + "?max=" + ClientCommands.LIST_MAX + "&search="
                + ApiClient.encode("name=" + nameOrId));
        List<String> matches = new ArrayList<>();
        for (JsonNode item : items) {
            if (nameOrId.equals(item.path("name").asText())) {
                matches.add(item.get("id").asText());
            }
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException(matches.size() + " " + collection(collection) + " are named '" + nameOrId
                    + "'; give the id instead (" + String.join(", ", matches) + ")");
        }
        if (matches.size() != 1) {
            throw new IllegalArgumentException("No " + singular(collection) + " is named '" + nameOrId + "'");
        }
        return matches.getFirst();
    }

    /**
     * The id of the built-in provider's object (its Neutron API, under {@value #NEUTRON}) of the collection with that
     * name, or the argument itself when it is an id; floating IPs are named by their address.
     */
    static String resolveNeutron(ApiClient client, String collection, String nameOrId) throws Exception {
        if (nameOrId == null || UUID.matcher(nameOrId).matches()) {
            return nameOrId;
        }
        String field = collection.equals("floatingips") ? "floating_ip_address" : "name";
        JsonNode items = client.get(NEUTRON + "/" + collection + "?" + field + "=" + ApiClient.encode(nameOrId))
                .path(collection.replace('-', '_'));
        List<String> matches = new ArrayList<>();
        for (JsonNode item : items) {
            if (nameOrId.equals(item.path(field).asText())) {
                matches.add(item.get("id").asText());
            }
        }
        String kind = neutronSingular(collection);
        if (matches.size() > 1) {
            throw new IllegalArgumentException(matches.size() + " " + kind + "s are named '" + nameOrId
                    + "'; give the id instead (" + String.join(", ", matches) + ")");
        }
        if (matches.size() != 1) {
            throw new IllegalArgumentException(collection.equals("floatingips") ? "No floating IP has the address '" + nameOrId + "'"
                    : "No " + kind + " is named '" + nameOrId + "'");
        }
        return matches.getFirst();
    }

    /** Where the built-in provider's Neutron v2.0 API is: it takes the same bearer token as /api. */
    static final String NEUTRON = "/networking/v2.0";

    private static String neutronSingular(String collection) {
        return switch (collection) {
            case "networks" -> "provider network";
            case "floatingips" -> "floating IP";
            case "security-groups" -> "security group";
            default -> collection.substring(0, collection.length() - 1);
        };
    }

    static List<String> resolveAll(ApiClient client, String collection, List<String> namesOrIds) throws Exception {
        if (namesOrIds == null) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (String nameOrId : namesOrIds) {
            ids.add(resolve(client, collection, nameOrId));
        }
        return ids;
    }

    private static String collection(String collection) {
        return singular(collection) + "s";
    }

    private static String singular(String collection) {
        return switch (collection) {
            case "vms" -> "VM";
            case "datacenters" -> "data center";
            case "storagedomains" -> "storage domain";
            case "vmpools" -> "pool";
            case "bootfiles" -> "boot file";
            case "vnicprofiles" -> "vNIC profile";
            default -> collection.substring(0, collection.length() - 1);
        };
    }
}
