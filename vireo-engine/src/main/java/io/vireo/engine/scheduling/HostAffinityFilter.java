package io.vireo.engine.scheduling;

import java.util.Optional;
import java.util.TreeSet;

/** Enforcing VM-to-host affinity: positive keeps the VM on the group's hosts, negative off them. */
public final class HostAffinityFilter implements HostFilter {
    @Override
    public String name() {
        return "host-affinity";
    }

    @Override
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        for (AffinityGroup group : context.hardHostGroups()) {
            boolean listed = group.hostIds().contains(host.id());
            if (group.positive() && !listed) {
                return Optional.of("the VM must run on " + hostNames(group, context.snapshot()) + " (affinity group "
                        + group.name() + ")");
            }
            if (!group.positive() && listed) {
                return Optional.of("the VM must not run on this host (affinity group " + group.name() + ")");
            }
        }
        return Optional.empty();
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
