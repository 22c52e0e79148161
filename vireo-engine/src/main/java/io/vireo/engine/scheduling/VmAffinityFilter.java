package io.vireo.engine.scheduling;

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
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        for (SchedulingContext.GroupPlacement placement : context.hardVmGroups()) {
            Map<String, String> others = placement.otherMembersByHost();
            if (placement.group().positive()) {
                if (!others.isEmpty() && !others.containsKey(host.id())) {
                    return Optional.of(mustJoin(placement, context.snapshot()));
                }
            } else {
                String member = others.get(host.id());
                if (member != null) {
                    return Optional.of("the VM must not run with " + member + " (affinity group "
                            + placement.group().name() + ")");
                }
            }
        }
        return Optional.empty();
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
