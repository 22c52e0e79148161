package io.vireo.engine.jobs;

import io.vireo.engine.common.InvalidInputException;
import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.common.DomainException;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.common.Fields;
import io.vireo.engine.common.Paging;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.common.Principal;
import io.vireo.engine.events.EventLog;
import io.vireo.engine.store.SqlPredicate;
import io.vireo.model.ErrorCode;
import io.vireo.model.Job;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;

import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Jobs with their steps, and the event log. Whoever may see the whole system sees them all; anyone
 * else sees the jobs about the VMs, disks, hosts and pools it may see, and the events about its VMs and hosts.
 */
public final class JobResource implements Consumer<RouteTable> {
    /** Job target types and the object types they name. */
    private static final Map<String, ObjectType> TARGETS = Map.of("vm", ObjectType.VM, "disk", ObjectType.DISK,
            "host", ObjectType.HOST, "pool", ObjectType.VM_POOL);

    private final JobRepository jobs;
    private final EventLog events;
    private final PermissionService permissions;

    public JobResource(JobRepository jobs, EventLog events, PermissionService permissions) {
        this.jobs = requireNonNull(jobs, "jobs");
        this.events = requireNonNull(events, "events");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/jobs", "List recent jobs (those about objects I may see), newest first",
                ctx -> ctx.json(jobs.list(QueryParameters.paging(ctx).max(), visibleJobs(ApiServer.principal(ctx)))));
        routes.get("/api/jobs/{id}", "Show a job and its steps", ctx -> {
            UUID id = Fields.id("id", ctx.pathParam("id"));
            Job job = jobs.find(id).filter(found -> visible(ApiServer.principal(ctx), found))
                    .orElseThrow(() -> NotFoundException.of(ErrorCode.JOB_NOT_FOUND, "job", id));
            ctx.json(job);
        });
        routes.get("/api/events", "List events (those about objects I may see) from an index: ?from=N&max=M, "
                + "or the newest M: ?last=M", ctx -> {
            String last = ctx.queryParam("last");
            if (last != null) {
                int count;
                try {
                    count = Integer.parseInt(last);
                } catch (NumberFormatException e) {
                    throw InvalidInputException.invalid("last", "The last parameter must be a number of events (1 to 10000)");
                }
                ctx.json(events.latest(io.vireo.engine.common.Fields.range("last", count, 1, 10_000),
                        visibleEvents(ApiServer.principal(ctx))));
                return;
            }
            String from = ctx.queryParam("from");
            long start;
            try {
                start = from == null ? 0 : Long.parseLong(from);
            } catch (NumberFormatException e) {
                throw InvalidInputException.invalid("from", "The from parameter must be an event index (a whole number)");
            }
            ctx.json(events.list(start, QueryParameters.paging(ctx).max(), visibleEvents(ApiServer.principal(ctx))));
        });
    }

    private SqlPredicate visibleJobs(Principal principal) {
        if (permissions.allowedOnSystem(principal, Permission.VIEW)) {
            return SqlPredicate.TRUE;
        }
        SqlPredicate visible = SqlPredicate.FALSE;
        for (var target : TARGETS.entrySet()) {
            SqlPredicate ofType = permissions.predicate(principal, Permission.VIEW, target.getValue(), "target_id");
            visible = visible.or(new SqlPredicate("target_type = '" + target.getKey() + "' AND " + ofType.sql(),
                    ofType.parameters()));
        }
        return visible;
    }

    private SqlPredicate visibleEvents(Principal principal) {
        if (permissions.allowedOnSystem(principal, Permission.VIEW)) {
            return SqlPredicate.TRUE;
        }
        return permissions.predicate(principal, Permission.VIEW, ObjectType.VM, "vm_id")
                .or(permissions.predicate(principal, Permission.VIEW, ObjectType.HOST, "host_id"));
    }

    private boolean visible(Principal principal, Job job) {
        ObjectType type = TARGETS.get(job.targetType());
        if (type == null) {
            return permissions.allowedOnSystem(principal, Permission.VIEW);
        }
        return permissions.allowed(principal, Permission.VIEW, ObjectRef.of(type, UUID.fromString(job.targetId())));
    }
}
