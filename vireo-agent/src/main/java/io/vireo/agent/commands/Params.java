package io.vireo.agent.commands;

import java.util.UUID;

/** Checks of command parameters that the contract's records cannot state: present and not blank. */
final class Params {
    private Params() {
    }

    static UUID vmId(UUID value) {
        if (value == null) {
            throw new IllegalArgumentException("the parameter vmId is missing");
        }
        return value;
    }

    static String text(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the parameter " + name + " is missing or blank");
        }
        return value;
    }
}
