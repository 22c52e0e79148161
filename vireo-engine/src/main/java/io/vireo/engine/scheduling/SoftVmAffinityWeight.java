package io.vireo.engine.scheduling;

import java.util.List;
import java.util.Map;

/**
 * The share of the VM's soft VM-to-VM groups the host keeps: a positive group is kept on a host
 * running another member (or anywhere while none runs), a negative one on a host running none.
 * A VM in no such group scores 0 everywhere, which changes no ranking.
 */
public final class SoftVmAffinityWeight implements HostWeight {
    @Override
    public String name() {
        return "soft-vm-affinity";
    }

    @Override
    public double score(HostCandidate host, VmRequest vm, SchedulingContext context) {
        List<SchedulingContext.GroupPlacement> groups = context.softVmGroups();
        if (groups.isEmpty()) {
            return 0;
        }
        int kept = 0;
        for (SchedulingContext.GroupPlacement placement : groups) {
            Map<String, String> others = placement.otherMembersByHost();
            boolean together = others.containsKey(host.id());
            if (placement.group().positive() ? together || others.isEmpty() : !together) {
                kept++;
            }
        }
        return (double) kept / groups.size();
    }
}
