package io.vireo.engine;

import io.vireo.engine.events.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Warns through the event log, once a day, about each of the engine's own certificates (its CA,
 * its HTTPS and agent endpoint certificates) that expires within {@link #WARN_BEFORE}, saying what
 * to do about it. Agents' certificates renew themselves and are not watched here.
 */
final class CertificateExpiryWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateExpiryWatch.class);
    static final Duration WARN_BEFORE = Duration.ofDays(30);
    private static final Duration WARN_AGAIN_AFTER = Duration.ofDays(1);

    /** A certificate, what it is (for the sentence), and what to do when it nears its end. */
    record Watched(String what, X509Certificate certificate, String advice) {
        Watched {
            requireNonNull(what, "what");
            requireNonNull(certificate, "certificate");
            requireNonNull(advice, "advice");
        }
    }

    private final EventLog events;
    private final List<Watched> watched;
    private final Clock clock;
    private final Map<String, Instant> warned = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("certificate-expiry").daemon().factory());

    CertificateExpiryWatch(EventLog events, List<Watched> watched, Clock clock) {
        this.events = requireNonNull(events, "events");
        this.watched = List.copyOf(watched);
        this.clock = requireNonNull(clock, "clock");
    }

    /** Looks now, then every hour. */
    void start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                log.warn("Cannot check the engine's certificates: {}", e.getMessage());
            }
        }, 0, 1, TimeUnit.HOURS);
    }

    /** Writes a warning for each certificate near or past its end that was not warned about in the last day; answers how many. */
    int check() {
        Instant now = clock.instant();
        int written = 0;
        for (Watched item : watched) {
            Instant end = item.certificate().getNotAfter().toInstant();
            if (end.isAfter(now.plus(WARN_BEFORE))) {
                continue;
            }
            String key = item.what() + "/" + item.certificate().getSerialNumber();
            Instant last = warned.get(key);
            if (last != null && last.plus(WARN_AGAIN_AFTER).isAfter(now)) {
                continue;
            }
            warned.put(key, now);
            String when = end.isAfter(now) ? "expires on " + end + " (in " + inWords(Duration.between(now, end)) + ")"
                    : "expired on " + end;
            events.write(EventLog.Entry.warning("CERTIFICATE_EXPIRING", "The engine's " + item.what() + " ("
                    + item.certificate().getSubjectX500Principal().getName() + ") " + when + ": " + item.advice()));
            written++;
        }
        return written;
    }

    private static String inWords(Duration left) {
        if (left.toDays() >= 1) {
            return left.toDays() + " days";
        }
        if (left.toHours() >= 1) {
            return left.toHours() + " hours";
        }
        return Math.max(1, left.toMinutes()) + " minutes";
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
