package io.vireo.model.rpc;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A file of a storage domain's boot-files directory, as the engine names it to an agent: the
 * domain's path and the file's bare name, never a path of the engine's making. The agent resolves
 * {@code <domainPath>/boot-files/<name>} and refuses whatever is not a regular file right in it.
 */
public record BootFileLocation(String domainPath, String name) {
    /** The directory inside a file storage domain that holds its boot files. */
    public static final String DIRECTORY = "boot-files";
    /** Letters, digits, '.', '_', '-', '+'; not starting with '.'; 1 to 255 characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9._+-]{0,254}");

    public BootFileLocation {
        requireNonNull(domainPath, "domainPath");
        requireNonNull(name, "name");
    }

    /** Whether a boot file may be named so: no separator, no leading dot (so no "." or ".."), a plain charset. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
