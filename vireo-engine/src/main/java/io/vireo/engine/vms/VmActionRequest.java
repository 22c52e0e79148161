package io.vireo.engine.vms;

import io.vireo.engine.jobs.JobKind;

import static java.util.Objects.requireNonNull;

/**
 * A power action asked of a VM: the rule it follows (which status allows it, the desired state it
 * records) and the job, with its parameters, that carries it out. Made by the job classes
 * ({@code StartVmJob.request(host)}...), so that an action cannot be paired with another's job.
 */
public record VmActionRequest<P extends Record>(VmAction action, JobKind<P, ?> kind, P params) {
    public VmActionRequest {
        requireNonNull(action, "action");
        requireNonNull(kind, "kind");
        requireNonNull(params, "params");
    }
}
