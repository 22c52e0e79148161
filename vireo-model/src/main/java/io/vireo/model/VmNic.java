package io.vireo.model;

import java.time.Instant;

/**
 * A VM's network interface on a logical network.
 *
 * @param mac lower case, colon separated; from the data center's MAC pool unless given
 * @param linked whether the guest sees its link up
 * @param model the device model ("virtio")
 */
public record VmNic(String id, String vmId, String name, String networkId, String mac, boolean linked, String model,
                    Instant createdAt) {
    /** @param mac null for one from the data center's pool; @param linked null for true */
    public record Create(String name, String networkId, String mac, Boolean linked) {
    }

    /** @param linked whether the guest sees its link up (a cable plugged in or pulled out) */
    public record Update(Boolean linked) {
    }
}
