package io.vireo.engine.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The one way rows are pruned: statements of at most {@link #SIZE} rows, each in its own short
 * transaction, repeated until one removes fewer. No lock is held for long, and what others write
 * meanwhile waits for one batch at most.
 */
public final class Batches {
    public static final int SIZE = 1000;

    private Batches() {
    }

    /** A statement that removes at most {@code limit} rows and answers how many it removed. */
    @FunctionalInterface
    public interface Delete {
        int delete(Handle h, int limit);
    }

    /** Runs the statement batch after batch until it removes fewer than a batch; answers the rows removed. */
    public static long deleteAll(Jdbi jdbi, Delete delete) {
        long total = 0;
        int removed;
        do {
            removed = jdbi.withHandle(h -> delete.delete(h, SIZE));
            total += removed;
        } while (removed == SIZE);
        return total;
    }
}
