package io.vireo.agent.rpc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static java.util.Objects.requireNonNull;

/**
 * Remembers the highest leader epoch this agent has seen, across restarts, and refuses commands
 * from a lower one: a deposed leader can no longer change anything on this host.
 */
public final class EpochGuard {
    private static final Logger log = LoggerFactory.getLogger(EpochGuard.class);

    private final Path file;
    private long highest;

    public EpochGuard(Path file) {
        this.file = requireNonNull(file, "file");
        this.highest = read(file);
    }

    /** Accepts the epoch if it is not lower than the highest seen; answers whether it was accepted. */
    public synchronized boolean accept(long epoch) {
        if (epoch < highest) {
            log.warn("Refused a command with epoch {}: a leader with epoch {} has been seen", epoch, highest);
            return false;
        }
        if (epoch > highest) {
            highest = epoch;
            write(epoch);
        }
        return true;
    }

    public synchronized long highest() {
        return highest;
    }

    private static long read(Path file) {
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void write(long epoch) {
        try {
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, Long.toString(epoch));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("Cannot persist epoch {}: {}", epoch, e.getMessage());
        }
    }
}
