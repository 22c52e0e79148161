package io.vireo.engine.events;

import io.vireo.engine.store.Rows;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.model.Event;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** SQL of the event log: rows with a growing index, read forwards from an index or backwards from the newest. */
final class EventRepository {
    void insert(Handle h, EventLog.Entry entry) {
        h.createUpdate("INSERT INTO events (severity, code, message, vm_id, host_id, job_id) "
                        + "VALUES (:severity, :code, :message, CAST(:vm AS uuid), CAST(:host AS uuid), CAST(:job AS uuid))")
                .bind("severity", entry.severity()).bind("code", entry.code()).bind("message", entry.message())
                .bind("vm", entry.vmId()).bind("host", entry.hostId()).bind("job", entry.jobId())
                .execute();
    }

    /** Up to {@code max} events from the index on that match {@code where}, oldest first. */
    List<Event> from(Handle h, long from, int max, SqlPredicate where) {
        return h.createQuery("SELECT * FROM events WHERE id >= :from AND (" + where.sql() + ") ORDER BY id LIMIT :max")
                .bindMap(where.parameters()).bind("from", from).bind("max", max)
                .map((rs, ctx) -> toEvent(rs)).list();
    }

    /** The newest {@code max} events before the index that match {@code where}, oldest first. */
    List<Event> latest(Handle h, int max, long before, SqlPredicate where) {
        return h.createQuery("SELECT * FROM (SELECT * FROM events WHERE id < :before AND (" + where.sql()
                        + ") ORDER BY id DESC LIMIT :max) newest ORDER BY id")
                .bindMap(where.parameters()).bind("max", max).bind("before", before)
                .map((rs, ctx) -> toEvent(rs)).list();
    }

    /** What a reader sees, as a condition on the event's VM and host columns. */
    static SqlPredicate seenBy(EventLog.Audience audience) {
        return audience.vms().on("vm_id").or(audience.hosts().on("host_id"));
    }

    private static Event toEvent(ResultSet rs) throws SQLException {
        return new Event(rs.getLong("id"), Rows.instant(rs, "time"), rs.getString("severity"), rs.getString("code"),
                rs.getString("message"), Rows.id(rs, "vm_id"), Rows.id(rs, "host_id"), Rows.id(rs, "job_id"));
    }
}
