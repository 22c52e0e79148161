package io.vireo.engine.scheduling;

import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * An administrator's rule about where VMs run.
 *
 * <p>VM_TO_VM groups relate the VMs with each other: positive keeps them on one host, negative on
 * different hosts. VM_TO_HOST groups relate the VMs with {@code hostIds}: positive keeps them on
 * those hosts, negative off them. An enforcing group is a hard rule (a filter refuses hosts that
 * break it); otherwise it is a soft one (a weight prefers hosts that keep it, the balancer repairs it).
 */
public record AffinityGroup(String id, String name, Kind kind, boolean positive, boolean enforcing,
                            Set<String> vmIds, Set<String> hostIds) {
    public enum Kind { VM_TO_VM, VM_TO_HOST }

    public AffinityGroup {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(kind, "kind");
        vmIds = Set.copyOf(vmIds);
        hostIds = Set.copyOf(hostIds);
    }
}
