package io.vireo.model;

import java.time.Instant;

/**
 * A vNIC profile, as in oVirt: what a VM NIC on a network gets, named so that a NIC can name it instead
 * of the network. Each network has a default profile with the network's name.
 *
 * @param mtu the MTU the guest's NIC gets, at most the network's; null for the network's own
 * @param linked whether a NIC made with this profile starts linked up, unless the NIC says otherwise
 */
public record VnicProfile(String id, String name, String description, String networkId, String dataCenterId, Integer mtu,
                          boolean linked, Instant createdAt) {
    /** @param mtu null for the network's; @param linked null for true */
    public record Create(String name, String networkId, String description, Integer mtu, Boolean linked) {
    }

    /** Each field left out stays as it is; the network does not change. */
    public record Update(String name, String description, Integer mtu, Boolean linked) {
    }
}
