package io.vireo.model;

import java.time.Instant;
import java.util.List;

/**
 * VMs kept together or apart (kind VM_TO_VM), or VMs kept on or off some hosts (kind VM_TO_HOST).
 *
 * @param positive together / on the hosts when true; apart / off the hosts when false
 * @param enforcing hard (the scheduler refuses to break it) when true; soft (preferred, repaired by the balancer) when false
 */
public record AffinityGroup(String id, String name, String clusterId, String kind, boolean positive, boolean enforcing,
                            List<String> vmIds, List<String> hostIds, Instant createdAt) {
    public static final String VM_TO_VM = "VM_TO_VM";
    public static final String VM_TO_HOST = "VM_TO_HOST";

    public record Create(String name, String clusterId, String kind, Boolean positive, Boolean enforcing,
                         List<String> vmIds, List<String> hostIds) {
    }
}
