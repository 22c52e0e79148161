package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

/**
 * A VM's network interface: a tap on the host's bridge of its network.
 *
 * @param mac lower-case, colon separated
 * @param model the device model QEMU presents ("virtio")
 * @param linked whether the guest sees its link up
 * @param tap the tap's name on the host, or null for one libvirt names; set for an overlay port
 *     ("tap" + the first 11 characters of the port's id), whose filter is keyed by it
 */
public record VmNicSpec(String mac, String bridge, String model, int mtu, boolean linked, String tap) {
    public VmNicSpec {
        requireNonNull(mac, "mac");
        requireNonNull(bridge, "bridge");
        model = model == null ? "virtio" : model;
    }
}
