package io.vireo.engine.jobs;

import io.vireo.engine.api.ApiException;
import io.vireo.engine.api.Fields;
import io.vireo.engine.api.Paging;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.events.EventLog;
import io.vireo.model.ErrorCode;

import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** Jobs with their steps, and the event log. */
public final class JobResource implements Consumer<RouteTable> {
    private final JobRepository jobs;
    private final EventLog events;

    public JobResource(JobRepository jobs, EventLog events) {
        this.jobs = requireNonNull(jobs, "jobs");
        this.events = requireNonNull(events, "events");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/jobs", "List recent jobs, newest first", ctx -> ctx.json(jobs.list(Paging.of(ctx).max())));
        routes.get("/api/jobs/{id}", "Show a job and its steps", ctx -> {
            UUID id = Fields.id("id", ctx.pathParam("id"));
            ctx.json(jobs.find(id).orElseThrow(() -> ApiException.notFound(ErrorCode.JOB_NOT_FOUND, "job", id)));
        });
        routes.get("/api/events", "List events from an index: ?from=N&max=M", ctx -> {
            String from = ctx.queryParam("from");
            long start;
            try {
                start = from == null ? 0 : Long.parseLong(from);
            } catch (NumberFormatException e) {
                throw ApiException.invalid("from", "The from parameter must be an event index (a whole number)");
            }
            ctx.json(events.list(start, Paging.of(ctx).max()));
        });
    }
}
