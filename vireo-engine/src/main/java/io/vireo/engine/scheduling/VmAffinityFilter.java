package io.vireo.engine.scheduling;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Enforcing VM-to-VM affinity. Positive: the VM goes where the group's other running members are.
 * Negative: it never joins another running member on a host. A positive group already split over
 * several hosts (an administrator moved a member by hand) lets the VM join any of them, rather than
 * stranding every member until someone repairs the group.
 */
public final class VmAffinityFilter implements HostFilter {
    @Override
    public String name() {
        return "vm-affinity";
    }

    @Override
    public boolean accepts(HostCandidate host, VmRequest vm, SchedulingContext context) {
        return brokenGroup(host, context) == null;
    }

    @Override
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        SchedulingContext.GroupPlacement placement = brokenGroup(host, context);
        if (placement == null) {
            return Optional.empty();
        }
        if (placement.group().positive()) {
            return Optional.of(context.groupSentence(placement.group(), () -> mustJoin(placement, context.snapshot())));
        }
        return Optional.of("the VM must not run with " + placement.otherMembersByHost().get(host.id())
                + " (affinity group " + placement.group().name() + ")");
    }

    /** The first hard group the host would break, or null. */
    private static SchedulingContext.GroupPlacement brokenGroup(HostCandidate host, SchedulingContext context) {
        List<SchedulingContext.GroupPlacement> groups = context.hardVmGroups();
        for (int i = 0; i < groups.size(); i++) {
            SchedulingContext.GroupPlacement placement = groups.get(i);
            Map<String, String> others = placement.otherMembersByHost();
            boolean together = others.containsKey(host.id());
            if (placement.group().positive() ? !together && !others.isEmpty() : together) {
                return placement;
            }
        }
        return null;
    }

    private static String mustJoin(SchedulingContext.GroupPlacement placement, ClusterSnapshot snapshot) {
        TreeSet<String> hostNames = new TreeSet<>();
        String member = null;
        for (Map.Entry<String, String> entry : placement.otherMembersByHost().entrySet()) {
            hostNames.add(snapshot.hostName(entry.getKey()));
            if (member == null || entry.getValue().compareTo(member) < 0) {
                member = entry.getValue();
            }
        }
        return "the VM must run with " + member + " on " + String.join(" or ", hostNames) + " (affinity group "
                + placement.group().name() + ")";
    }
}
