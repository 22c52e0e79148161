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
            default -> collection.substring(0, collection.length() - 1);
        };
    }
}
