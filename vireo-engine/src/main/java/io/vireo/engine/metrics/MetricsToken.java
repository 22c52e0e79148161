package io.vireo.engine.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** The bearer token /metrics asks for, kept in a file (a secret: never in a URL, a log or an answer). */
public record MetricsToken(String value) {
    private static final Logger log = LoggerFactory.getLogger(MetricsToken.class);
    private static final int MIN_LENGTH = 16;

    public MetricsToken {
        requireNonNull(value, "value");
        if (value.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the metrics token must have at least " + MIN_LENGTH + " characters");
        }
    }

    @Override
    public String toString() {
        return "MetricsToken[...]";
    }

    /** The token in a file an administrator wrote (its first line); the engine refuses to start without it. */
    public static MetricsToken read(Path file) {
        try {
            String value = Files.readString(file).strip();
            if (value.isEmpty()) {
                throw new IllegalArgumentException("the metrics token file " + file + " is empty");
            }
            warnIfOthersMayRead(file);
            return new MetricsToken(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metrics token file " + file, e);
        }
    }

    /** The token in the engine's own file, made (random, readable by the engine's user only) at the first start. */
    public static MetricsToken readOrCreate(Path file) {
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, value + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics token file " + file, e);
        }
        log.info("Made a metrics token for /metrics in {}", file);
        return new MetricsToken(value);
    }

    private static void warnIfOthersMayRead(Path file) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("The metrics token file {} can be read by every user of this machine; chmod o-r it", file);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
