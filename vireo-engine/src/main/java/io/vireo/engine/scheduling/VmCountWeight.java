package io.vireo.engine.scheduling;

/** Fewer running VMs is better, measured against the host that runs the most. */
public final class VmCountWeight implements HostWeight {
    @Override
    public String name() {
        return "vm-count";
    }

    @Override
    public double score(HostCandidate host, VmRequest vm, SchedulingContext context) {
        int most = context.snapshot().maxRunningVmCount();
        if (most == 0) {
            return 1;
        }
        return 1 - Math.clamp((double) host.runningVmCount() / most, 0.0, 1.0);
    }
}
