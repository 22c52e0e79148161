package io.vireo.agent.commands;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.UUID;

/** Checked reading of command parameters. */
final class Params {
    private Params() {
    }

    static String vmId(JsonNode params) {
        String value = text(params, "vmId");
        UUID.fromString(value);
        return value;
    }

    static String text(JsonNode params, String name) {
        JsonNode value = params.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("the parameter " + name + " is missing or not a string");
        }
        return value.asText();
    }
}
