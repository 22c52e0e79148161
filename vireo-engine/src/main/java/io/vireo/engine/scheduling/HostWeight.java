package io.vireo.engine.scheduling;

/**
 * A preference among the hosts that passed the filters.
 *
 * <p>The convention: a score lies in [0, 1] and higher is better. A policy multiplies each score by
 * the weight's factor and the host with the highest sum wins, so a factor says how much a
 * preference counts against the others, independent of what the weight measures.
 */
public interface HostWeight {
    /** The weight's name, as policies and explanations list it. */
    String name();

    /** How well the host suits the VM, from 0 (worst) to 1 (best). */
    double score(HostCandidate host, VmRequest vm, SchedulingContext context);
}
