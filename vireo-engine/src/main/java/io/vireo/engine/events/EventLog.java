package io.vireo.engine.events;

import io.vireo.engine.common.Retention;
import io.vireo.engine.store.Batches;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Event;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** The audit log: every event is a row with a growing index, written in the same transaction as its cause. */
public final class EventLog {
    private static final Logger log = LoggerFactory.getLogger(EventLog.class);

    private final Jdbi jdbi;
    private final EventRepository repository = new EventRepository();

    public EventLog(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    public record Entry(String severity, String code, String message, UUID vmId, UUID hostId, UUID jobId) {
        public static Entry info(String code, String message) {
            return new Entry("INFO", code, message, null, null, null);
        }

        public static Entry warning(String code, String message) {
            return new Entry("WARNING", code, message, null, null, null);
        }

        public static Entry error(String code, String message) {
            return new Entry("ERROR", code, message, null, null, null);
        }

        public Entry vm(UUID id) {
            return new Entry(severity, code, message, id, hostId, jobId);
        }

        public Entry host(UUID id) {
            return new Entry(severity, code, message, vmId, id, jobId);
        }

        public Entry job(UUID id) {
            return new Entry(severity, code, message, vmId, hostId, id);
        }
    }

    /**
     * Who reads the log: an event is shown when its VM or its host is visible. The permission
     * service makes the two visibilities; the log never learns how permissions work.
     */
    public record Audience(Visibility vms, Visibility hosts) {
        public static final Audience EVERYONE = new Audience(Visibility.ALL, Visibility.ALL);

        public Audience {
            requireNonNull(vms, "vms");
            requireNonNull(hosts, "hosts");
        }
    }

    public void write(Handle handle, Entry entry) {
        repository.insert(handle, entry);
        log.info("[{}] {}", entry.code(), entry.message());
    }

    public void write(Entry entry) {
        jdbi.useHandle(h -> write(h, entry));
    }

    public List<Event> list(long from, int max) {
        return list(from, max, Audience.EVERYONE);
    }

    /** Up to {@code max} events from the index on that the audience may see, oldest first. */
    public List<Event> list(long from, int max, Audience audience) {
        return jdbi.withHandle(h -> repository.from(h, from, max, EventRepository.seenBy(audience)));
    }

    /** The newest {@code max} events the audience may see, oldest first: where a live view starts reading. */
    public List<Event> latest(int max, Audience audience) {
        return latest(max, Long.MAX_VALUE, audience);
    }

    /** The newest {@code max} events before the index that the audience may see, oldest first: a page further back. */
    public List<Event> latest(int max, long before, Audience audience) {
        return jdbi.withHandle(h -> repository.latest(h, max, before, EventRepository.seenBy(audience)));
    }

    /**
     * Removes the events older than the retention's age, then the oldest beyond its count, in
     * batches; answers how many went. The leader calls it now and then.
     */
    public long prune(Instant now, Retention retention) {
        var cutoff = now.minus(retention.maxAge()).atOffset(ZoneOffset.UTC);
        long removed = Batches.deleteAll(jdbi, (h, limit) -> repository.deleteOlderThan(h, cutoff, limit));
        Optional<Long> beyond = jdbi.withHandle(h -> repository.newestBeyond(h, retention.maxRows()));
        if (beyond.isPresent()) {
            removed += Batches.deleteAll(jdbi, (h, limit) -> repository.deleteUpTo(h, beyond.get(), limit));
        }
        return removed;
    }
}
