package io.vireo.engine.common;

import java.util.UUID;
import java.util.regex.Pattern;

/** Checks of request fields, each failing with a sentence that names the field. */
public final class Fields {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** The longest description of anything (a data center, cluster, pool, role). */
    public static final int DESCRIPTION_LENGTH = 1000;

    private Fields() {
    }

    public static <T> T required(String field, T value) {
        if (value == null) {
            throw InvalidInputException.missing(field);
        }
        return value;
    }

    public static String name(String field, String value) {
        required(field, value);
        if (!NAME.matcher(value).matches()) {
            throw InvalidInputException.invalid(field, "The " + field + " '" + abbreviate(value)
                    + "' is not valid: use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return value;
    }

    /** Free text of at most {@code maxLength} characters; null stays null (a field left out). */
    public static String text(String field, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw InvalidInputException.invalid(field, "The " + field + " is longer than " + maxLength + " characters");
        }
        return value;
    }

    public static int range(String field, Integer value, int min, int max) {
        required(field, value);
        if (value < min || value > max) {
            throw InvalidInputException.invalid(field, "The " + field + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    public static long range(String field, Long value, long min, long max) {
        required(field, value);
        if (value < min || value > max) {
            throw InvalidInputException.invalid(field, "The " + field + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    public static UUID id(String field, String value) {
        required(field, value);
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.invalid(field, "The " + field + " '" + abbreviate(value) + "' is not a valid id (a UUID)");
        }
    }

    public static String oneOf(String field, String value, String... allowed) {
        required(field, value);
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        throw InvalidInputException.invalid(field, "The " + field + " '" + abbreviate(value) + "' is not one of " + String.join(", ", allowed));
    }

    public static String absolutePath(String field, String value) {
        required(field, value);
        if (!value.startsWith("/") || value.contains("/../") || value.endsWith("/..") || value.contains("\0")
                || value.length() > 1024) {
            throw InvalidInputException.invalid(field, "The " + field + " '" + abbreviate(value) + "' must be an absolute path without '..'");
        }
        return value;
    }

    static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
