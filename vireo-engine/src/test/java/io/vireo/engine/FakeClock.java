package io.vireo.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test moves it (shared by the tests of every package). */
public final class FakeClock extends Clock {
    private volatile Instant now;

    public FakeClock() {
        this(Instant.parse("2030-01-01T00:00:00Z"));
    }

    /** Starting at the given instant (a test of certificates made now starts now). */
    public FakeClock(Instant start) {
        this.now = start;
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a fake clock has one zone");
    }
}
