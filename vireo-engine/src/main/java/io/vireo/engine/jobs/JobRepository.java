package io.vireo.engine.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vireo.engine.common.Paging;
import io.vireo.engine.store.Pages;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.engine.store.Visibility;
import io.vireo.model.Job;
import io.vireo.model.JobStatus;
import io.vireo.model.Json;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** SQL of jobs and their steps. */
public final class JobRepository {
    static final ObjectMapper MAPPER = Json.lenientMapper();
    public static final String CHANNEL = "vireo_jobs";

    private final Jdbi jdbi;

    public JobRepository(Jdbi jdbi) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
    }

    /**
     * Records a job of the kind, with its steps as the kind plans them from the parameters, in the
     * caller's transaction; the job runner is woken when that commits.
     */
    public <P extends Record, S extends Enum<S>> UUID create(Handle h, JobKind<P, S> kind, JobTarget target, String description,
                                                              P params) {
        List<PlannedStep<S>> plan = kind.plan(params);
        UUID id = UUID.randomUUID();
        h.createUpdate("INSERT INTO jobs (id, kind, target_type, target_id, description, status, params) "
                        + "VALUES (:id, :kind, :targetType, :targetId, :description, 'PENDING', CAST(:params AS jsonb))")
                .bind("id", id).bind("kind", kind.name()).bind("targetType", target.type()).bind("targetId", target.id())
                .bind("description", description).bind("params", toJson(params)).execute();
        for (int i = 0; i < plan.size(); i++) {
            PlannedStep<S> step = plan.get(i);
            h.createUpdate("INSERT INTO job_steps (job_id, position, step, subject_id, name, status) "
                            + "VALUES (:job, :position, :step, CAST(:subject AS uuid), :name, 'PENDING')")
                    .bind("job", id).bind("position", i).bind("step", step.step().name())
                    .bind("subject", step.subjectId()).bind("name", step.label()).execute();
        }
        h.execute("NOTIFY " + CHANNEL);
        return id;
    }

    public Optional<Job> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM jobs WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> toJob(rs, steps(h, id))).findOne());
    }

    /**
     * A page of the newest jobs about targets the caller may see: per target type ("vm", "disk", ...),
     * the visible ids; a job of another type is not shown. {@code visibleTargets} null: every job.
     */
    public List<Job> list(Map<String, Visibility> visibleTargets, Paging paging) {
        SqlPredicate where = SqlPredicate.TRUE;
        if (visibleTargets != null) {
            where = SqlPredicate.FALSE;
            int n = 0;
            for (var target : visibleTargets.entrySet()) {
                String parameter = "targetType" + n++;
                where = where.or(new SqlPredicate("target_type = :" + parameter, Map.of(parameter, target.getKey()))
                        .and(target.getValue().on("target_id")));
            }
        }
        SqlPredicate visible = where;
        return jdbi.withHandle(h -> Pages.list(h, "SELECT * FROM jobs", visible, "created_at DESC, id", paging,
                (rs, ctx) -> toJob(rs, steps(h, rs.getObject("id", UUID.class)))));
    }

    /** Whether a job that is not over works on this target (one long operation per VM at a time). */
    public Optional<UUID> openJobFor(Handle h, UUID targetId) {
        return h.createQuery("SELECT id FROM jobs WHERE target_id = :target AND status IN ('PENDING', 'RUNNING') LIMIT 1")
                .bind("target", targetId).mapTo(UUID.class).findOne();
    }

    public int countOpen(String kind, java.util.Collection<UUID> targets) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM jobs WHERE kind = :kind "
                        + "AND status IN ('PENDING', 'RUNNING') AND target_id IN (<targets>)")
                .bind("kind", kind).bindList("targets", List.copyOf(targets)).mapTo(Integer.class).one());
    }

    /**
     * Claims jobs that nobody runs: new ones, ones claimed under an older epoch (a dead or deposed
     * leader), and ones whose heartbeat stopped.
     */
    public List<ClaimedJob> claim(long epoch, int max) {
        return jdbi.inTransaction(h -> h.createQuery("UPDATE jobs SET status = 'RUNNING', epoch = :epoch, heartbeat_at = now() "
                        + "WHERE id IN (SELECT id FROM jobs WHERE status IN ('PENDING', 'RUNNING') "
                        + "AND (epoch IS NULL OR epoch < :epoch OR heartbeat_at < now() - interval '30 seconds') "
                        + "ORDER BY created_at LIMIT :max FOR UPDATE SKIP LOCKED) "
                        + "RETURNING id, kind, target_id, params, state")
                .bind("epoch", epoch).bind("max", max)
                .map((rs, ctx) -> new ClaimedJob(rs.getObject("id", UUID.class), rs.getString("kind"),
                        rs.getObject("target_id", UUID.class), parse(rs.getString("params")), parse(rs.getString("state"))))
                .list());
    }

    public List<StepRow> stepRows(UUID jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT position, step, subject_id, status FROM job_steps "
                        + "WHERE job_id = :job ORDER BY position")
                .bind("job", jobId)
                .map((rs, ctx) -> new StepRow(rs.getInt("position"), rs.getString("step"),
                        rs.getObject("subject_id", UUID.class), status(rs))).list());
    }

    /**
     * Renews the job's heartbeat and marks the step running, in one round trip; answers false (and
     * marks nothing) when another epoch has taken the job over.
     */
    public boolean beginStep(UUID jobId, long epoch, int position) {
        return bookkeeping(h -> beginStep(h, jobId, epoch, position));
    }

    /** Marks the step running and the job alive, if the job is still this epoch's; false when a newer epoch took it. */
    private boolean beginStep(Handle h, UUID jobId, long epoch, int position) {
        return h.createQuery("WITH job AS (UPDATE jobs SET heartbeat_at = now() WHERE id = :job "
                        + "AND epoch = :epoch RETURNING id) UPDATE job_steps SET status = 'RUNNING', "
                        + "started_at = coalesce(started_at, now()) FROM job WHERE job_steps.job_id = job.id "
                        + "AND position = :position RETURNING position")
                .bind("job", jobId).bind("epoch", epoch).bind("position", position).mapTo(Integer.class).findOne().isPresent();
    }

    /** Ends one step DONE and begins the next in one transaction (one round of bookkeeping between two steps). */
    public boolean nextStep(UUID jobId, long epoch, int done, int position) {
        return bookkeeping(h -> {
            endStep(h, jobId, done, JobStatus.DONE, "");
            return beginStep(h, jobId, epoch, position);
        });
    }

    public void progress(UUID jobId, int position, int percent, String message) {
        bookkeeping(h -> h.createUpdate("UPDATE job_steps SET progress = :progress, message = :message "
                        + "WHERE job_id = :job AND position = :position")
                .bind("job", jobId).bind("position", position).bind("progress", percent).bind("message", message).execute());
    }

    public void endStep(UUID jobId, int position, JobStatus status, String message) {
        bookkeeping(h -> endStep(h, jobId, position, status, message));
    }

    /** Ends a step in the caller's transaction (the last step ends with its job). */
    public int endStep(Handle h, UUID jobId, int position, JobStatus status, String message) {
        return h.createUpdate("UPDATE job_steps SET status = :status, ended_at = now(), "
                        + "progress = CASE WHEN :status = 'DONE' THEN 100 ELSE progress END, "
                        + "message = CASE WHEN :message = '' THEN message ELSE :message END "
                        + "WHERE job_id = :job AND position = :position")
                .bind("job", jobId).bind("position", position).bind("status", status.name()).bind("message", message).execute();
    }

    /**
     * A step's bookkeeping (started, progress, done) commits without waiting for the disk: if the
     * database crashes before it is written, the step is merely run again, and steps are idempotent.
     * Decisions (saveState), job creation and a job's end stay synchronous.
     */
    private <T> T bookkeeping(org.jdbi.v3.core.HandleCallback<T, RuntimeException> work) {
        return jdbi.inTransaction(h -> {
            h.execute("SET LOCAL synchronous_commit TO OFF");
            return work.withHandle(h);
        });
    }

    public void saveState(UUID jobId, ObjectNode state) {
        jdbi.useHandle(h -> saveState(h, jobId, state));
    }

    public void saveState(Handle h, UUID jobId, ObjectNode state) {
        h.createUpdate("UPDATE jobs SET state = CAST(:state AS jsonb) WHERE id = :id")
                .bind("id", jobId).bind("state", state.toString()).execute();
    }

    public void finish(Handle h, UUID jobId, JobStatus status, String errorCode, String errorMessage) {
        h.createUpdate("UPDATE jobs SET status = :status, error_code = :code, error_message = :message, ended_at = now() "
                        + "WHERE id = :id")
                .bind("id", jobId).bind("status", status.name()).bind("code", errorCode).bind("message", errorMessage).execute();
    }

    /** Removes up to {@code limit} finished jobs (their steps go with them) that ended before the cutoff. */
    int deleteFinishedBefore(Handle h, OffsetDateTime cutoff, int limit) {
        return h.createUpdate("DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE status IN ('DONE', 'FAILED') "
                        + "AND ended_at < :cutoff LIMIT :limit)")
                .bind("cutoff", cutoff).bind("limit", limit).execute();
    }

    /** Where the finished jobs beyond the newest {@code keep} begin: the newest of them, by end and id. */
    record Finished(OffsetDateTime endedAt, UUID id) {
    }

    Optional<Finished> newestFinishedBeyond(Handle h, long keep) {
        return h.createQuery("SELECT ended_at, id FROM jobs WHERE status IN ('DONE', 'FAILED') "
                        + "ORDER BY ended_at DESC, id DESC OFFSET :keep LIMIT 1")
                .bind("keep", keep)
                .map((rs, ctx) -> new Finished(rs.getObject("ended_at", OffsetDateTime.class), rs.getObject("id", UUID.class)))
                .findOne();
    }

    /** Removes up to {@code limit} finished jobs that ended at or before that one. */
    int deleteFinishedUpTo(Handle h, Finished newest, int limit) {
        return h.createUpdate("DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE status IN ('DONE', 'FAILED') "
                        + "AND (ended_at, id) <= (:endedAt, :id) LIMIT :limit)")
                .bind("endedAt", newest.endedAt()).bind("id", newest.id()).bind("limit", limit).execute();
    }

    public record ClaimedJob(UUID id, String kind, UUID targetId, ObjectNode params, ObjectNode state) {
    }

    /** A step as the runner needs it: which step of the kind (by its enum name) and about which subject. */
    public record StepRow(int position, String step, UUID subjectId, JobStatus status) {
    }

    private static List<Job.Step> steps(Handle h, UUID jobId) {
        return h.createQuery("SELECT * FROM job_steps WHERE job_id = :job ORDER BY position").bind("job", jobId)
                .map((rs, ctx) -> new Job.Step(rs.getInt("position"), rs.getString("name"), status(rs),
                        rs.getInt("progress"), rs.getString("message"), instant(rs, "started_at"), instant(rs, "ended_at")))
                .list();
    }

    private static Job toJob(ResultSet rs, List<Job.Step> steps) throws SQLException {
        return new Job(rs.getObject("id").toString(), rs.getString("kind"), rs.getString("target_type"),
                rs.getObject("target_id").toString(), rs.getString("description"), status(rs),
                rs.getString("error_code"), rs.getString("error_message"), steps, instant(rs, "created_at"),
                instant(rs, "ended_at"));
    }

    /** Jobs and steps keep their status as the enum's name. */
    private static JobStatus status(ResultSet rs) throws SQLException {
        return JobStatus.valueOf(rs.getString("status"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
