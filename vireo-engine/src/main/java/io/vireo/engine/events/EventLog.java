package io.vireo.engine.events;

import io.vireo.model.Event;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** The audit log: every event is a row with a growing index, written in the same transaction as its cause. */
public final class EventLog {
    private static final Logger log = LoggerFactory.getLogger(EventLog.class);

    private final Jdbi jdbi;

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

    public void write(Handle handle, Entry entry) {
        handle.createUpdate("INSERT INTO events (severity, code, message, vm_id, host_id, job_id) "
                        + "VALUES (:severity, :code, :message, CAST(:vm AS uuid), CAST(:host AS uuid), CAST(:job AS uuid))")
                .bind("severity", entry.severity()).bind("code", entry.code()).bind("message", entry.message())
                .bind("vm", entry.vmId()).bind("host", entry.hostId()).bind("job", entry.jobId())
                .execute();
        log.info("[{}] {}", entry.code(), entry.message());
    }

    public void write(Entry entry) {
        jdbi.useHandle(h -> write(h, entry));
    }

    public List<Event> list(long from, int max) {
        return list(from, max, io.vireo.engine.store.SqlPredicate.TRUE);
    }

    /** Events from an index that match the predicate (e.g. those about objects the caller may see). */
    public List<Event> list(long from, int max, io.vireo.engine.store.SqlPredicate where) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM events WHERE id >= :from AND (" + where.sql()
                        + ") ORDER BY id LIMIT :max")
                .bindMap(where.parameters()).bind("from", from).bind("max", max)
                .map((rs, ctx) -> toEvent(rs)).list());
    }

    /** The newest events that match the predicate, oldest first: where a live view starts reading. */
    public List<Event> latest(int max, io.vireo.engine.store.SqlPredicate where) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM (SELECT * FROM events WHERE (" + where.sql()
                        + ") ORDER BY id DESC LIMIT :max) newest ORDER BY id")
                .bindMap(where.parameters()).bind("max", max)
                .map((rs, ctx) -> toEvent(rs)).list());
    }

    private static Event toEvent(ResultSet rs) throws SQLException {
        return new Event(rs.getLong("id"), rs.getObject("time", OffsetDateTime.class).toInstant(),
                rs.getString("severity"), rs.getString("code"), rs.getString("message"),
                string(rs, "vm_id"), string(rs, "host_id"), string(rs, "job_id"));
    }

    private static String string(ResultSet rs, String column) throws SQLException {
        Object value = rs.getObject(column);
        return value == null ? null : value.toString();
    }
}
