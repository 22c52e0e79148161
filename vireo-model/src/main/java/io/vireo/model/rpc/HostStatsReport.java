package io.vireo.model.rpc;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The params of the host.stats event: the host's figures and its full VM list, numbered like every
 * report; or, when libvirt on the host does not answer, no figures, no list and the reason in
 * {@code libvirtError} (absent from the wire otherwise). {@code nics}: the host's network interfaces,
 * whether libvirt answers or not (absent when none were read).
 */
public record HostStatsReport(HostStats host, List<VmObservation> vms, long seq,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String libvirtError,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) List<HostNic> nics) {
    public HostStatsReport {
        vms = vms == null ? List.of() : List.copyOf(vms);
        nics = nics == null ? List.of() : List.copyOf(nics);
    }

    public HostStatsReport(HostStats host, List<VmObservation> vms, long seq) {
        this(host, vms, seq, null, List.of());
    }

    /** The report of an agent that cannot reach libvirt. */
    public static HostStatsReport libvirtUnavailable(long seq, String reason) {
        return new HostStatsReport(null, List.of(), seq, reason, List.of());
    }

    public HostStatsReport withNics(List<HostNic> hostNics) {
        return new HostStatsReport(host, vms, seq, libvirtError, hostNics);
    }
}
