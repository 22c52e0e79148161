package io.vireo.model;

import java.time.Instant;

/**
 * A logical network of a data center: a Linux bridge on each host of the clusters it is attached to,
 * with the host interface {@code hostNic} (or its VLAN sub-interface) as the bridge's port.
 *
 * @param vlanId 1-4094, or null for an untagged network
 * @param hostNic the host interface the bridge is built on, the same name on every host
 * @param bridge the bridge's name on the hosts, chosen by the engine
 */
public record Network(String id, String name, String description, String dataCenterId, Integer vlanId, int mtu,
                      String hostNic, String bridge, Instant createdAt) {
    public static final int DEFAULT_MTU = 1500;

    /** @param mtu null for {@link #DEFAULT_MTU} */
    public record Create(String name, String description, String dataCenterId, Integer vlanId, Integer mtu, String hostNic) {
    }

    /** Each field left out stays as it is. */
    public record Update(String name, String description, Integer mtu) {
    }
}
