package io.vireo.engine.neutron;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The attributes of one Neutron request body ({@code {"network": {...}}}), read as Neutron reads them: numbers
 * may come as numeric strings (the openstack client sends {@code "mtu": "1400"}), booleans as booleans or
 * "true"/"false"; an attribute the resource does not know is refused, as is one it knows but will not take here.
 * Every refusal is a 400 in Neutron's words naming the attribute.
 */
final class Attributes {
    private final String resource;
    private final ObjectNode node;

    private Attributes(String resource, ObjectNode node) {
        this.resource = resource;
        this.node = node;
    }

    /** The object under {@code resource} in the body, which must be all the body holds. */
    static Attributes of(JsonNode body, String resource) {
        if (body == null || !body.isObject()) {
            throw NeutronErrors.invalid("The request body must be a JSON object {\"" + resource + "\": {...}}");
        }
        JsonNode inner = body.get(resource);
        if (inner == null || body.size() != 1) {
            Set<String> others = new TreeSet<>();
            body.fieldNames().forEachRemaining(others::add);
            others.remove(resource);
            throw NeutronErrors.invalid(inner == null ? "Resource body required: the request body must be {\"" + resource
                    + "\": {...}}" : "Unrecognized attribute(s) '" + String.join(", ", others) + "' beside '" + resource + "'");
        }
        if (!inner.isObject()) {
            throw NeutronErrors.invalid("The attribute '" + resource + "' must be a JSON object of " + resource + " attributes");
        }
        return new Attributes(resource, (ObjectNode) inner);
    }

    /** A body that is itself the attributes (add_router_interface's {@code {"subnet_id": ...}}). */
    static Attributes bare(JsonNode body, String what) {
        if (body == null || !body.isObject()) {
            throw NeutronErrors.invalid("The request body must be a JSON object of " + what + " attributes");
        }
        return new Attributes(what, (ObjectNode) body);
    }

    /** Refuses any attribute but these. */
    Attributes only(Set<String> allowed) {
        Set<String> unknown = new TreeSet<>();
        node.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw NeutronErrors.invalid("Unrecognized attribute(s) '" + String.join(", ", unknown) + "' for a " + resource
                    + " here; it takes " + String.join(", ", new TreeSet<>(allowed)));
        }
        return this;
    }

    /** Refuses these attributes with the reason. */
    void refuse(Set<String> attributes, String reason) {
        for (String attribute : attributes) {
            if (node.has(attribute)) {
                throw NeutronErrors.invalid("Cannot set the attribute '" + attribute + "' of a " + resource + ": " + reason);
            }
        }
    }

    boolean has(String name) {
        return node.has(name);
    }

    boolean isNull(String name) {
        return node.has(name) && node.get(name).isNull();
    }

    JsonNode raw(String name) {
        return node.get(name);
    }

    /** A string attribute, empty if absent or null. */
    Optional<String> string(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw wrong(name, "a string");
        }
        if (value.textValue().length() > 255) {
            throw NeutronErrors.invalid("Invalid input for " + name + ". Reason: it is " + value.textValue().length()
                    + " characters long, over the limit of 255.");
        }
        return Optional.of(value.textValue());
    }

    String string(String name, String otherwise) {
        return string(name).orElse(otherwise);
    }

    String required(String name) {
        return string(name).filter(value -> !value.isEmpty()).orElseThrow(() -> NeutronErrors.invalid(
                "Failed to parse request. Required attribute '" + name + "' not specified"));
    }

    Optional<Boolean> bool(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isBoolean()) {
            return Optional.of(value.booleanValue());
        }
        if (value.isTextual() && (value.textValue().equalsIgnoreCase("true") || value.textValue().equalsIgnoreCase("false"))) {
            return Optional.of(Boolean.parseBoolean(value.textValue().toLowerCase(java.util.Locale.ROOT)));
        }
        throw wrong(name, "a boolean");
    }

    boolean bool(String name, boolean otherwise) {
        return bool(name).orElse(otherwise);
    }

    /** An integer, given as a number or a numeric string. */
    Optional<Integer> integer(String name) {
        return integer(node.get(name), name);
    }

    static Optional<Integer> integer(JsonNode value, String name) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return Optional.of(value.intValue());
        }
        if (value.isTextual() && value.textValue().matches("-?\\d{1,9}")) {
            return Optional.of(Integer.parseInt(value.textValue()));
        }
        throw NeutronErrors.invalid("Invalid input for " + name + ". Reason: '" + Ipam.shown(value.isTextual()
                ? value.textValue() : value.toString()) + "' is not an integer.");
    }

    /** A list of strings, empty if absent or null. */
    List<String> strings(String name) {
        return list(name).stream().map(item -> {
            if (!item.isTextual()) {
                throw wrong(name, "a list of strings");
            }
            return item.textValue();
        }).toList();
    }

    /** A list, empty if absent or null. */
    List<JsonNode> list(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw wrong(name, "a list");
        }
        if (value.size() > 1000) {
            throw NeutronErrors.invalid("Invalid input for " + name + ". Reason: a list of " + value.size()
                    + " items, over the limit of 1000.");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    /** An id attribute: a UUID, or a 404 of the given type (a name where an id goes names nothing). */
    Optional<UUID> id(String name, String notFoundType, String kind) {
        return string(name).map(text -> uuid(text, notFoundType, kind));
    }

    static UUID uuid(String text, String notFoundType, String kind) {
        try {
            if (text.length() == 36) {
                return UUID.fromString(text);
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw NeutronErrors.notFound(notFoundType, kind + " " + Ipam.shown(text) + " could not be found.");
    }

    private RuntimeException wrong(String name, String expected) {
        return NeutronErrors.invalid("Invalid input for " + name + ". Reason: '" + Ipam.shown(node.get(name).toString())
                + "' is not " + expected + ".");
    }
}
