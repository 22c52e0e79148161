package io.vireo.engine.common;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How much of a table that only grows is kept: rows older than {@code maxAge} go, and beyond the
 * newest {@code maxRows} the older ones go too, whichever removes more.
 */
public record Retention(Duration maxAge, long maxRows) {
    public Retention {
        requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("a retention keeps rows for some time, not " + maxAge);
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("a retention keeps at least one row, not " + maxRows);
        }
    }
}
