package io.vireo.model;

import java.time.Instant;

/**
 * A VM's network interface on a logical network.
 *
 * @param mac lower case, colon separated; from the data center's MAC pool unless given
 * @param linked whether the guest sees its link up
 * @param model the device model ("virtio")
 * @param networkId a logical network's id, or a network of the built-in provider (Neutron API)
 * @param portId the NIC's port on a provider network, null on a logical network
 */
public record VmNic(String id, String vmId, String name, String networkId, String mac, boolean linked, String model,
                    Instant createdAt, String portId) {
    /**
     * @param networkId a logical network attached to the VM's cluster, or a network of the built-in provider
     * @param mac null for one from the data center's pool; @param linked null for true
     */
    public record Create(String name, String networkId, String mac, Boolean linked) {
    }
}
