package io.vireo.engine.events;

import io.vireo.engine.store.Rows;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.model.Event;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

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

    /** Removes up to {@code limit} events written before the cutoff. */
    int deleteOlderThan(Handle h, OffsetDateTime cutoff, int limit) {
        return h.createUpdate("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE time < :cutoff LIMIT :limit)")
                .bind("cutoff", cutoff).bind("limit", limit).execute();
    }

    /** The index of the newest event older than the newest {@code keep}: it and all before it are beyond the count. */
    Optional<Long> newestBeyond(Handle h, long keep) {
        return h.createQuery("SELECT id FROM events ORDER BY id DESC OFFSET :keep LIMIT 1")
                .bind("keep", keep).mapTo(Long.class).findOne();
    }

    /** Removes up to {@code limit} events up to the index, the oldest first. */
    int deleteUpTo(Handle h, long index, int limit) {
        return h.createUpdate("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id <= :index ORDER BY id LIMIT :limit)")
                .bind("index", index).bind("limit", limit).execute();
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
