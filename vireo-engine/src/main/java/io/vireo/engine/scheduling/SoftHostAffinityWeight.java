package io.vireo.engine.scheduling;

import java.util.List;

/**
 * The share of the VM's soft VM-to-host groups the host keeps: it is listed in a positive group,
 * absent from a negative one. A VM in no such group scores 0 everywhere, which changes no ranking.
 */
public final class SoftHostAffinityWeight implements HostWeight {
    @Override
    public String name() {
        return "soft-host-affinity";
    }

    @Override
    public double score(HostCandidate host, VmRequest vm, SchedulingContext context) {
        List<AffinityGroup> groups = context.softHostGroups();
        if (groups.isEmpty()) {
            return 0;
        }
        int kept = 0;
        for (AffinityGroup group : groups) {
            if (group.hostIds().contains(host.id()) == group.positive()) {
                kept++;
            }
        }
        return (double) kept / groups.size();
    }
}
