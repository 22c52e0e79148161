package io.vireo.agent.commands;

import java.util.UUID;

/** Checks of command parameters that the contract's records cannot state: present, not blank, a UUID. */
final class Params {
    private Params() {
    }

    static String vmId(String value) {
        String checked = text("vmId", value);
        UUID.fromString(checked);
        return checked;
    }

    static String text(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the parameter " + name + " is missing or blank");
        }
        return value;
    }
}
