package io.vireo.model;

import java.time.Instant;

/**
 * A VM's network interface on a logical network.
 *
 * @param mac lower case, colon separated; from the data center's MAC pool unless given
 * @param linked whether the guest sees its link up
 * @param model the device model ("virtio")
 * @param networkId a logical network's id, or a network of the built-in provider (Neutron API)
 * @param profileId its vNIC profile: the one named when it was made, else its network's default one (null if that is gone,
 *     and for a NIC on a provider network)
 * @param portId the NIC's port on a provider network, null on a logical network
 */
public record VmNic(String id, String vmId, String name, String networkId, String mac, boolean linked, String model,
                    Instant createdAt, String profileId, String portId) {
    /**
     * @param networkId or profileId: the network (a logical one, with its default profile, or one of the built-in
     *     provider); or the profile, with its network
     * @param mac null for one from the data center's pool
     * @param linked null for the profile's default (true without a profile)
     */
    public record Create(String name, String networkId, String mac, Boolean linked, String profileId) {
        public Create(String name, String networkId, String mac, Boolean linked) {
            this(name, networkId, mac, linked, null);
        }
    }

    /** @param linked whether the guest sees its link up (a cable plugged in or pulled out) */
    public record Update(Boolean linked) {
    }
}
