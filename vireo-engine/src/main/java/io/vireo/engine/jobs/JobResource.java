package io.vireo.engine.jobs;

import io.vireo.engine.common.NotFoundException;
import io.vireo.engine.api.ApiServer;
import io.vireo.engine.api.QueryParameters;
import io.vireo.engine.common.Fields;
import io.vireo.engine.api.RouteTable;
import io.vireo.engine.auth.ObjectRef;
import io.vireo.engine.auth.PermissionService;
import io.vireo.engine.common.Principal;
import io.vireo.engine.store.Visibility;
import io.vireo.model.ErrorCode;
import io.vireo.model.Job;
import io.vireo.model.ObjectType;
import io.vireo.model.Permission;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Jobs with their steps. Whoever may see the whole system sees them all; anyone else sees the jobs
 * about the VMs, disks, hosts and pools it may see. (Events are the events feature's: EventResource.)
 */
public final class JobResource implements Consumer<RouteTable> {
    /** Job target types and the object types they name. */
    private static final Map<String, ObjectType> TARGETS = Map.of("vm", ObjectType.VM, "disk", ObjectType.DISK,
            "host", ObjectType.HOST, "pool", ObjectType.VM_POOL);

    private final JobRepository jobs;
    private final PermissionService permissions;

    public JobResource(JobRepository jobs, PermissionService permissions) {
        this.jobs = requireNonNull(jobs, "jobs");
        this.permissions = requireNonNull(permissions, "permissions");
    }

    @Override
    public void accept(RouteTable routes) {
        routes.get("/api/jobs", "List recent jobs (those about objects I may see), newest first; ?max=&page=",
                ctx -> ctx.json(jobs.list(visibleTargets(ApiServer.principal(ctx)), QueryParameters.paging(ctx))));
        routes.get("/api/jobs/{id}", "Show a job and its steps", ctx -> {
            UUID id = Fields.id("id", ctx.pathParam("id"));
            Job job = jobs.find(id).filter(found -> visible(ApiServer.principal(ctx), found))
                    .orElseThrow(() -> NotFoundException.of(ErrorCode.JOB_NOT_FOUND, "job", id));
            ctx.json(job);
        });
    }

    /** Per target type, the targets the principal may see; null when it sees every job. */
    private Map<String, Visibility> visibleTargets(Principal principal) {
        if (permissions.allowedOnSystem(principal, Permission.VIEW)) {
            return null;
        }
        Map<String, Visibility> visible = new HashMap<>();
        TARGETS.forEach((targetType, objectType) -> visible.put(targetType, permissions.viewable(principal, objectType)));
        return visible;
    }

    private boolean visible(Principal principal, Job job) {
        ObjectType type = TARGETS.get(job.targetType());
        if (type == null) {
            return permissions.allowedOnSystem(principal, Permission.VIEW);
        }
        return permissions.allowed(principal, Permission.VIEW, ObjectRef.of(type, UUID.fromString(job.targetId())));
    }
}
