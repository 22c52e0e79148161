package io.vireo.engine.scheduling;

import io.vireo.model.HostStatus;

import java.util.Optional;

/** Only an Up host of the VM's cluster, with its agent connected and not in maintenance, takes VMs. */
public final class HostAvailabilityFilter implements HostFilter {
    @Override
    public String name() {
        return "availability";
    }

    @Override
    public boolean accepts(HostCandidate host, VmRequest vm, SchedulingContext context) {
        return host.status() == HostStatus.UP && host.connected() && !host.maintenance()
                && host.clusterId().equals(context.snapshot().clusterId());
    }

    @Override
    public Optional<String> reject(HostCandidate host, VmRequest vm, SchedulingContext context) {
        if (host.status() != HostStatus.UP) {
            return Optional.of("it is " + describe(host.status()));
        }
        if (!host.clusterId().equals(context.snapshot().clusterId())) {
            return Optional.of("it is not in the VM's cluster");
        }
        if (!host.connected()) {
            return Optional.of("its agent is not connected");
        }
        if (host.maintenance()) {
            return Optional.of("it is being prepared for maintenance");
        }
        return Optional.empty();
    }

    private static String describe(HostStatus status) {
        return switch (status) {
            case INSTALLING -> "still installing";
            case CONNECTING -> "connecting";
            case NON_RESPONSIVE -> "non-responsive";
            case NON_OPERATIONAL -> "non-operational (libvirt on it does not answer)";
            case MAINTENANCE -> "in maintenance";
            case PREPARING_FOR_MAINTENANCE -> "being prepared for maintenance";
            case UP -> "up";
        };
    }
}
