package io.vireo.engine.scheduling;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Enforcing VM-to-host affinity: positive keeps the VM on the group's hosts, negative off them. */
public final class HostAffinityFilter implements HostFilter {
    @Override
    public String name() {
        return "host-affinity";
    }

    @Override
    public boolean accepts(HostCandidate host, VmRequest vm, SchedulingContext context) {
        return brokenGroup(host, context) == null;
    }

    @Override
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        AffinityGroup group = brokenGroup(host, context);
        if (group == null) {
            return Optional.empty();
        }
        if (group.positive()) {
            return Optional.of(context.groupSentence(group, () -> "the VM must run on "
                    + hostNames(group, context.snapshot()) + " (affinity group " + group.name() + ")"));
        }
        return Optional.of("the VM must not run on this host (affinity group " + group.name() + ")");
    }

    /** The first hard group the host would break, or null. */
    private static AffinityGroup brokenGroup(HostCandidate host, SchedulingContext context) {
        List<AffinityGroup> groups = context.hardHostGroups();
        for (int i = 0; i < groups.size(); i++) {
            AffinityGroup group = groups.get(i);
            if (group.hostIds().contains(host.id()) != group.positive()) {
                return group;
            }
        }
        return null;
    }

    private static String hostNames(AffinityGroup group, ClusterSnapshot snapshot) {
        if (group.hostIds().isEmpty()) {
            return "no host";
        }
        TreeSet<String> names = new TreeSet<>();
        for (String hostId : group.hostIds()) {
            names.add(snapshot.hostName(hostId));
        }
        return String.join(" or ", names);
    }
}
