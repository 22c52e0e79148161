package io.vireo.engine.scheduling;

import static java.util.Objects.requireNonNull;

/** A parameter a scheduling policy takes: a whole number within bounds, with a default. */
public record PolicyParameter(String name, int defaultValue, int minimum, int maximum, String meaning) {
    public PolicyParameter {
        requireNonNull(name, "name");
        requireNonNull(meaning, "meaning");
        if (defaultValue < minimum || defaultValue > maximum) {
            throw new IllegalArgumentException("default " + defaultValue + " of " + name + " is out of its bounds");
        }
    }

    /** The value given as text, checked; the default when none is given. */
    int parse(String policyName, String text) {
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= minimum && value <= maximum) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Falls through to the sentence below, which says what a good value looks like.
        }
        throw new IllegalArgumentException("Parameter " + name + " of scheduling policy " + policyName
                + " must be a whole number from " + minimum + " to " + maximum + ", not '" + text + "'");
    }
}
