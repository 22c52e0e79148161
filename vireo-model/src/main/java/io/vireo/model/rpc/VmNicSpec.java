package io.vireo.model.rpc;

import static java.util.Objects.requireNonNull;

/**
 * A VM's network interface: a tap on the host's bridge of its network.
 *
 * @param mac lower-case, colon separated
 * @param model the device model QEMU presents ("virtio")
 * @param linked whether the guest sees its link up
 */
public record VmNicSpec(String mac, String bridge, String model, int mtu, boolean linked) {
    public VmNicSpec {
        requireNonNull(mac, "mac");
        requireNonNull(bridge, "bridge");
        model = model == null ? "virtio" : model;
    }
}
