package io.vireo.engine.scheduling;

/**
 * How much CPU load a VM takes with it when it moves. Hosts report their load, not each VM's, so
 * the balancer assumes a host's load is shared among its VMs in proportion to their vCPUs. It is a
 * planning estimate for one balancing round; the next round sees the hosts' real figures.
 */
final class LoadEstimate {
    private LoadEstimate() {
    }

    /** The part of the host's load (in percent of the host) that the VM accounts for. */
    static double loadShare(ClusterSnapshot snapshot, VmRequest vm, HostCandidate host) {
        long vcpus = 0;
        for (String id : snapshot.vmIdsOn(host.id())) {
            VmRequest other = snapshot.vm(id);
            if (other != null) {
                vcpus += other.vcpus();
            }
        }
        if (vcpus == 0) {
            return 0;
        }
        return host.cpuLoadPercent() * vm.vcpus() / vcpus;
    }

    /** The same load measured on the target: a busy VM weighs less on a host with more CPUs. */
    static double onTarget(double share, HostCandidate from, HostCandidate to) {
        if (to.cpuCount() <= 0) {
            return share;
        }
        return share * Math.max(1, from.cpuCount()) / to.cpuCount();
    }
}
