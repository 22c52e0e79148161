package io.vireo.engine.scheduling;

import java.util.Optional;

/** A hard rule: a host that breaks it cannot run the VM. */
public interface HostFilter {
    /** The filter's name, as policies list it. */
    String name();

    /**
     * Why the host cannot run the VM, as a sentence fragment that follows the host's name
     * ("h1: not enough memory (512 MiB free, 1024 needed)"); empty when it can.
     */
    Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context);

    /**
     * Whether the host can run the VM: the same answer as {@code reject(...).isEmpty()}, without
     * making the sentence. The scheduler asks this first and words refusals only when no host is left.
     */
    default boolean accepts(HostCandidate host, VmRequest vm, SchedulingContext context) {
        return reject(host, vm, context).isEmpty();
    }
}
