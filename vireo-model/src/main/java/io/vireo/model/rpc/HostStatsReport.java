package io.vireo.model.rpc;

import java.util.List;

/** The params of the host.stats event: the host's figures and its full VM list, numbered like every report. */
public record HostStatsReport(HostStats host, List<VmObservation> vms, long seq) {
    public HostStatsReport {
        vms = vms == null ? List.of() : List.copyOf(vms);
    }
}
