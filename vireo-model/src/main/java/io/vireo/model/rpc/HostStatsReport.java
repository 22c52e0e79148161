package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The params of the host.stats event: the host's figures and its full VM list, numbered like every
 * report; or, when libvirt on the host does not answer, no figures, no list and the reason in
 * {@code libvirtError} (absent from the wire otherwise).
 */
public record HostStatsReport(HostStats host, List<VmObservation> vms, long seq,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String libvirtError) {
    public HostStatsReport {
        vms = vms == null ? List.of() : List.copyOf(vms);
    }

    public HostStatsReport(HostStats host, List<VmObservation> vms, long seq) {
        this(host, vms, seq, null);
    }

    /** The report of an agent that cannot reach libvirt. */
    public static HostStatsReport libvirtUnavailable(long seq, String reason) {
        return new HostStatsReport(null, List.of(), seq, reason);
    }
}
